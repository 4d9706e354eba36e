using System.Text.Json;
using QuantaSeal.Connectors.Auth0;

namespace QuantaSeal.Connectors.Tests.Auth0;

/// <summary>
/// Passing against the emulator must mean something for the real Auth0: the emulator's answers validate against the
/// response schemas of Auth0's published OpenAPI document, and every request the connector sends (method, path,
/// query parameter names, JSON body members, scopes) is one that document describes.
/// </summary>
public sealed class Auth0OpenApiConformanceTests(Auth0ConformanceFixture fixture) : IClassFixture<Auth0ConformanceFixture>
{
    private static Auth0OpenApiDocument Spec => Auth0OpenApiDocument.Instance;

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
        var spec = Spec.Operation(definition.Method.Method, definition.PathTemplate);

        var response = await fixture.Host.ExecuteAsync(operation, payload, fixture.Token);

        Assert.True(response.Outcome == UpstreamOutcome.Success, $"{operation} answered {response.StatusCode} {response.ErrorCode}");
        var schema = Auth0OpenApiDocument.ResponseSchema(spec, response.StatusCode);
        if (schema is null)
        {
            Assert.True(response.Body.IsEmpty, "the spec declares no body for this status");
        }
        else
        {
            using var body = JsonDocument.Parse(response.Body);
            var errors = Spec.Schemas.Validate(schema.Value, body.RootElement);
            Assert.True(errors.Count == 0, $"{operation} response does not match the spec:\n" + string.Join("\n", errors.Take(20)));
        }

        var request = fixture.Host.LastManagementRequest();
        Assert.Equal(definition.Method.Method, request.Method);
        AssertPathMatches(definition.PathTemplate, request.Path);
        var queryNames = Spec.Parameters(spec, "query").Keys.ToHashSet(StringComparer.Ordinal);
        Assert.All(request.QueryParameters, p => Assert.Contains(p.Key, queryNames));
        if (request.BodyMembers.Count > 0)
        {
            var members = Spec.RequestBodySchema(spec).GetProperty("properties").EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
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
            var spec = Spec.Operation(operation.Method.Method, operation.PathTemplate);
            var query = Spec.Parameters(spec, "query");
            var path = Spec.Parameters(spec, "path");
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
                        Assert.True(Compatible(field, parameter), $"{where}: type differs from the spec's {parameter.GetRawText()}");
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
            var accepted = Auth0OpenApiDocument.Scopes(Spec.Operation(operation.Method.Method, operation.PathTemplate));

            Assert.All(operation.Scopes, s => Assert.Contains(s, accepted));
        }
    }

    [Fact]
    public void TheValidator_RejectsResponsesTheSpecForbids()
    {
        var spec = Spec.Operation("GET", "/api/v2/roles");
        var schema = Auth0OpenApiDocument.ResponseSchema(spec, 200)!.Value;
        using var extraMember = JsonDocument.Parse("""[{"id":"rol_1","name":"Admin","surprise":true}]""");
        using var wrongType = JsonDocument.Parse("""{"start":"zero","roles":[]}""");
        using var good = JsonDocument.Parse("""{"start":0,"limit":50,"total":1,"roles":[{"id":"rol_1","name":"Admin","description":"x"}]}""");

        Assert.NotEmpty(Spec.Schemas.Validate(schema, extraMember.RootElement));
        Assert.NotEmpty(Spec.Schemas.Validate(schema, wrongType.RootElement));
        Assert.Empty(Spec.Schemas.Validate(schema, good.RootElement));
    }

    [Fact]
    public void TheSpec_IsAuth0sManagementApiDocument()
    {
        Assert.Equal("3.1.0", Spec.Root.GetProperty("openapi").GetString());
        Assert.Contains("/api/v2", Spec.Root.GetProperty("servers")[0].GetProperty("url").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("openapi.management.json", Spec.Path, StringComparison.Ordinal);
    }

    private static void AssertBodyMember(JsonElement spec, Auth0PayloadField field, string where)
    {
        var properties = Spec.RequestBodySchema(spec).GetProperty("properties");
        Assert.True(properties.TryGetProperty(field.Wire, out var member), $"{where}: no body member '{field.Wire}'");
        Assert.True(Compatible(field, Spec.Schemas.Resolve(member)), $"{where}: type differs from the spec's {member.GetRawText()}");
    }

    private static bool Compatible(Auth0PayloadField field, JsonElement schema)
    {
        var types = schema.TryGetProperty("type", out var type)
            ? type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()).ToArray() : [type.GetString()]
            : [];
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
