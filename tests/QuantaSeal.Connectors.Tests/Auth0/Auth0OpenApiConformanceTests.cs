using System.Text.Json.Nodes;
using QuantaSeal.Connectors.Auth0;
using QuantaSeal.Connectors.Tests.Conformance;

namespace QuantaSeal.Connectors.Tests.Auth0;

/// <summary>
/// Passing against the emulator must mean something for the real Auth0: the emulator's answers validate against the
/// response schemas of Auth0's published OpenAPI document, and every request the connector sends (method, path,
/// query parameter names, JSON body members, scopes) is one that document describes.
/// </summary>
public sealed class Auth0OpenApiConformanceTests(Auth0ConformanceFixture fixture) : IClassFixture<Auth0ConformanceFixture>
{
    private static VendorSpec Spec => VendorSpec.Load("auth0/openapi.management.json");

    public static TheoryData<string, string> Calls => new()
    {
        { "get_users", "{}" },
        { "get_users", """{"include_totals":true,"per_page":5,"page":1}""" },
        { "get_users", """{"q":"email:*@example.com","fields":"user_id,email,last_login","include_fields":true,"sort":"created_at:1","per_page":20,"page":0,"primary_order":true}""" },
        { "get_user", """{"user_id":"samlp|acme-saml|jane.doe@acme.example"}""" },
        { "get_user", """{"user_id":"auth0|665000000000000000019919","fields":"user_id,identities","include_fields":true}""" },
        { "create_user", """{"connection":"Username-Password-Authentication","email":"conformance@example.com","password":"a long enough password","given_name":"Con","family_name":"Formance","name":"Con Formance","nickname":"conf","picture":"https://example.com/p.png","blocked":false,"email_verified":true,"verify_email":false,"user_metadata":{"k":"v"},"app_metadata":{"plan":"pro"}}""" },
        { "create_user", """{"connection":"sms","phone_number":"+15555550100","phone_verified":true}""" },
        { "update_user", """{"user_id":"auth0|66500000000000000001d6f7","changes":{"given_name":"Changed","nickname":null,"blocked":true,"email_verified":true,"user_metadata":{"k":"v"},"app_metadata":{"plan":null}}}""" },
        { "delete_user", """{"user_id":"auth0|6650000000000000000214d5"}""" },
        { "get_logs", "{}" },
        { "get_logs", """{"include_totals":true,"per_page":3,"page":2,"q":"type:f","sort":"date:1","fields":"log_id,date,type,description","include_fields":true}""" },
        { "get_logs", """{"from":"90000000000000000000000000000000000000000020240210000000","take":5}""" },
        { "get_users_by_email", """{"email":"shared.person@example.com","fields":"user_id,email","include_fields":true}""" },
        { "get_user_logs", """{"user_id":"auth0|665000000000000000019919"}""" },
        { "get_user_logs", """{"user_id":"auth0|665000000000000000019919","page":0,"per_page":2,"sort":"date:-1","include_totals":true}""" },
        { "get_clients", "{}" },
        { "get_clients", """{"include_totals":true,"per_page":4,"page":1,"is_global":false,"is_first_party":true,"app_type":"spa,native,regular_web,non_interactive","fields":"client_id,name,app_type","include_fields":true}""" },
        { "get_client_grants", "{}" },
        { "get_client_grants", """{"include_totals":true,"per_page":2,"page":0,"audience":"https://api.acme.example/"}""" },
        { "get_resource_servers", "{}" },
        { "get_resource_servers", """{"include_totals":true,"identifiers":["https://api.acme.example/","urn:acme:reports"],"per_page":1,"page":1}""" },
        { "get_roles", "{}" },
        { "get_roles", """{"include_totals":true,"per_page":10,"page":1,"name_filter":"reader"}""" },
        { "get_connections", "{}" },
        { "get_connections", """{"include_totals":true,"strategy":["auth0","sms"],"fields":"name,strategy,id","include_fields":true,"per_page":1,"page":0}""" },
        { "get_connections", """{"name":"acme-saml"}""" },
        { "get_actions", "{}" },
        { "get_actions", """{"triggerId":"post-login","deployed":true,"installed":false,"per_page":2,"page":1}""" },
    };

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task EmulatorResponse_AndConnectorRequest_ConformToAuth0sOpenApiDocument(string operation, string payload)
    {
        var definition = Auth0Operations.ByName[operation];
        var (path, method) = SpecOperation(definition.Method.Method, definition.PathTemplate);

        var response = await fixture.Host.ExecuteAsync(operation, payload, fixture.Token);

        Assert.True(response.Outcome == UpstreamOutcome.Success, $"{operation} answered {response.StatusCode} {response.ErrorCode}");
        Assert.True(Spec.DeclaresResponse(path, method, response.StatusCode), $"The Auth0 OpenAPI document declares no {response.StatusCode} response for {method} {path}.");
        var schema = Spec.ResponseSchema(path, method, response.StatusCode);
        if (schema is null)
        {
            Assert.True(response.Body.IsEmpty, "the spec declares no body for this status");
        }
        else
        {
            var errors = Spec.Validate(schema, JsonNode.Parse(response.Body.Span));
            Assert.True(errors.Count == 0, $"{operation} response does not match the spec:\n" + string.Join("\n", errors.Take(20)));
        }

        var request = fixture.Host.LastManagementRequest();
        Assert.Equal(definition.Method.Method, request.Method);
        AssertPathMatches(definition.PathTemplate, request.Path);
        var queryNames = Spec.Parameters(path, method, "query");
        Assert.All(request.QueryParameters, p => Assert.Contains(p.Key, queryNames.Keys));
        if (request.BodyMembers.Count > 0)
        {
            var members = Spec.PropertyNames(Spec.RequestBodySchema(path, method, "application/json")!);
            Assert.All(request.BodyMembers, m => Assert.Contains(m, members));
        }
    }

    [Fact]
    public void EveryCatalogOperation_IsCoveredByAConformanceCall()
    {
        var covered = Calls.Select(row => (string)((ITheoryDataRow)row).GetData()[0]!).ToHashSet(StringComparer.Ordinal);

        Assert.All(Auth0Operations.All, o => Assert.Contains(o.Name, covered));
    }

    [Fact]
    public void EveryCatalogField_MapsToAParameterOrBodyMemberOfTheSameTypeInTheSpec()
    {
        foreach (var operation in Auth0Operations.All)
        {
            var spec = SpecOperation(operation.Method.Method, operation.PathTemplate);
            var query = Spec.Parameters(spec.Path, spec.Method, "query");
            var path = Spec.Parameters(spec.Path, spec.Method, "path");
            foreach (var field in operation.Fields)
            {
                var where = $"{operation.Name}.{field.Name}";
                switch (field.Location)
                {
                    case Auth0FieldLocation.Path:
                        Assert.True(path.ContainsKey(field.Wire), $"{where}: no path parameter '{field.Wire}'");
                        Assert.Contains("{" + field.Wire + "}", operation.PathTemplate, StringComparison.Ordinal);
                        break;
                    case Auth0FieldLocation.Query:
                        Assert.True(query.TryGetValue(field.Wire, out var parameter), $"{where}: no query parameter '{field.Wire}'");
                        Assert.True(Compatible(field, parameter), $"{where}: type differs from the spec's {parameter.Node.ToJsonString()}");
                        break;
                    case Auth0FieldLocation.Body:
                        AssertBodyMember(spec, field, where);
                        break;
                    case Auth0FieldLocation.WholeBody:
                        Assert.All(field.Members!, m => AssertBodyMember(spec, m, where + "." + m.Name));
                        break;
                }
            }
        }
    }

    [Fact]
    public void EveryRequiredScope_IsOneTheSpecAcceptsForTheOperation()
    {
        foreach (var operation in Auth0Operations.All)
        {
            var (path, method) = SpecOperation(operation.Method.Method, operation.PathTemplate);
            var accepted = Spec.Operation(path, method)!["security"]!.AsArray()
                .SelectMany(s => s?["oAuth2ClientCredentials"]?.AsArray() ?? []).Select(s => (string?)s).ToList();

            Assert.All(operation.Scopes, s => Assert.Contains(s, accepted));
        }
    }

    [Fact]
    public void TheValidator_RejectsResponsesTheSpecForbids()
    {
        var schema = Spec.ResponseSchema("/roles", "get", 200)!;
        var extraMember = JsonNode.Parse("""[{"id":"rol_1","name":"Admin","surprise":true}]""");
        var wrongType = JsonNode.Parse("""{"start":"zero","roles":[]}""");
        var good = JsonNode.Parse("""{"start":0,"limit":50,"total":1,"roles":[{"id":"rol_1","name":"Admin","description":"x"}]}""");

        Assert.NotEmpty(Spec.Validate(schema, extraMember));
        Assert.NotEmpty(Spec.Validate(schema, wrongType));
        Assert.Empty(Spec.Validate(schema, good));
    }

    [Fact]
    public void TheSpec_IsAuth0sManagementApiDocument()
    {
        Assert.Equal("3.1.0", (string?)Spec.Root["openapi"]);
        Assert.Contains("/api/v2", (string?)Spec.Root["servers"]![0]!["url"], StringComparison.Ordinal);
        Assert.EndsWith("openapi.management.json", Spec.SourcePath, StringComparison.Ordinal);
    }

    /// <summary>The spec's path and method for an upstream template: its paths are relative to <c>https://{tenant}/api/v2</c>.</summary>
    private static (string Path, string Method) SpecOperation(string method, string upstreamPathTemplate)
    {
        const string Prefix = "/api/v2";
        Assert.StartsWith(Prefix + "/", upstreamPathTemplate, StringComparison.Ordinal);
        var path = upstreamPathTemplate[Prefix.Length..];
        Assert.True(Spec.Operation(path, method) is not null, $"The Auth0 OpenAPI document has no {method} {path}.");
        return (path, method.ToLowerInvariant());
    }

    private static void AssertBodyMember((string Path, string Method) spec, Auth0PayloadField field, string where)
    {
        var body = Spec.RequestBodySchema(spec.Path, spec.Method, "application/json")!;
        Assert.True(body.Node["properties"]?[field.Wire] is not null, $"{where}: no body member '{field.Wire}'");
        var member = Spec.Schema("#" + body.Child("properties").Child(field.Wire).Pointer);
        Assert.True(Compatible(field, member), $"{where}: type differs from the spec's {member.Node.ToJsonString()}");
    }

    private static bool Compatible(Auth0PayloadField field, SpecSchema schema)
    {
        string?[] types = schema.Node["type"] switch
        {
            JsonArray list => [.. list.Select(t => (string?)t)],
            JsonValue one => [(string?)one],
            _ => [],
        };
        // Refusing a null the spec allows is stricter, which is fine; sending a null it forbids is not.
        if (field.Nullable && !types.Contains("null") && field.Kind is not (Auth0FieldKind.Object or Auth0FieldKind.ClosedObject))
        {
            return false;
        }

        return field.Kind switch
        {
            Auth0FieldKind.Integer => types.Contains("integer"),
            Auth0FieldKind.Boolean => types.Contains("boolean"),
            Auth0FieldKind.StringArray => types.Contains("array"),
            Auth0FieldKind.Object or Auth0FieldKind.ClosedObject => types.Contains("object"),
            _ => types.Contains("string"),
        };
    }

    private static void AssertPathMatches(string template, string escapedPath)
    {
        var expected = template.Split('/');
        var actual = escapedPath.Split('/');
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            if (expected[i].StartsWith('{'))
            {
                Assert.NotEmpty(actual[i]);
                Assert.DoesNotContain("|", actual[i], StringComparison.Ordinal);
            }
            else
            {
                Assert.Equal(expected[i], actual[i]);
            }
        }
    }
}
