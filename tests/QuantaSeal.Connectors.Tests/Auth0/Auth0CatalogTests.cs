using System.Text.Json;
using QuantaSeal.Connectors.Catalog;

namespace QuantaSeal.Connectors.Tests.Auth0;

/// <summary>The Auth0 catalog: operations, scopes and per-operation payload validation.</summary>
public sealed class Auth0CatalogTests
{
    [Fact]
    public void Operations_AreTheSeedOperationsAndTheExpectedReads_InOrder()
    {
        Assert.Equal(
            ["get_users", "get_user", "create_user", "update_user", "delete_user", "get_logs", "get_users_by_email", "get_user_logs",
             "get_clients", "get_client_grants", "get_resource_servers", "get_roles", "get_connections", "get_actions"],
            Auth0Catalog.Operations.Select(o => o.Name));
        Assert.All(Auth0Catalog.Operations, o => Assert.Equal("auth0", o.SystemType));
    }

    [Theory]
    [InlineData("get_users", "GET", "/api/v2/users", "read:users", false)]
    [InlineData("get_user", "GET", "/api/v2/users/{id}", "read:users", false)]
    [InlineData("create_user", "POST", "/api/v2/users", "create:users", true)]
    [InlineData("update_user", "PATCH", "/api/v2/users/{id}", "update:users", true)]
    [InlineData("delete_user", "DELETE", "/api/v2/users/{id}", "delete:users", true)]
    [InlineData("get_logs", "GET", "/api/v2/logs", "read:logs", false)]
    [InlineData("get_users_by_email", "GET", "/api/v2/users-by-email", "read:users", false)]
    [InlineData("get_user_logs", "GET", "/api/v2/users/{id}/logs", "read:logs", false)]
    [InlineData("get_clients", "GET", "/api/v2/clients", "read:clients", false)]
    [InlineData("get_client_grants", "GET", "/api/v2/client-grants", "read:client_grants", false)]
    [InlineData("get_resource_servers", "GET", "/api/v2/resource-servers", "read:resource_servers", false)]
    [InlineData("get_roles", "GET", "/api/v2/roles", "read:roles", false)]
    [InlineData("get_connections", "GET", "/api/v2/connections", "read:connections", false)]
    [InlineData("get_actions", "GET", "/api/v2/actions/actions", "read:actions", false)]
    public void Operation_HasItsMethodPathScopeAndWriteFlag(string name, string method, string path, string scope, bool isWrite)
    {
        var operation = Assert.Single(Auth0Catalog.Operations, o => o.Name == name);

        Assert.Equal(method, operation.HttpMethod);
        Assert.Equal(path, operation.PathTemplate);
        Assert.Equal([scope], operation.RequiredScopes);
        Assert.Equal(isWrite, operation.IsWrite);
        Assert.NotEmpty(operation.Summary);
        Assert.All(operation.Fields, f => Assert.Contains(f.Type, (string[])["string", "integer", "boolean", "object", "array"]));
        Assert.All(operation.Fields, f => Assert.False(string.IsNullOrWhiteSpace(f.Description)));
    }

    [Theory]
    [InlineData("get_users", """{"q":"email:*@example.com","fields":"user_id,email,last_login","per_page":20,"page":0}""")]
    [InlineData("get_users", """{"search_engine":"v3","include_totals":true,"include_fields":false,"sort":"created_at:-1","primary_order":false}""")]
    [InlineData("get_users", """{"page":9,"per_page":100}""")]
    [InlineData("get_users", """{"page":19}""")]
    [InlineData("get_user", """{"user_id":"auth0|507f1f77bcf86cd799439020","fields":"email","include_fields":true}""")]
    [InlineData("get_user", """{"user_id":"samlp|acme|jane@acme.example"}""")]
    [InlineData("create_user", """{"connection":"Username-Password-Authentication","email":"a@example.com","password":"p","user_metadata":{"a":[1,{"b":null}]},"app_metadata":{}}""")]
    [InlineData("create_user", """{"connection":"sms","phone_number":"+15555550100"}""")]
    [InlineData("create_user", """{"connection":"c","email":"a@example.com","user_id":""}""")]
    [InlineData("update_user", """{"user_id":"auth0|1","changes":{"name":null,"email":"b@example.com","blocked":false,"app_metadata":{"plan":null}}}""")]
    [InlineData("delete_user", """{"user_id":"auth0|1"}""")]
    [InlineData("get_logs", """{"from":"90020240210000000000","take":100}""")]
    [InlineData("get_logs", """{"q":"type:f","sort":"date:-1","page":3,"per_page":100,"include_totals":true,"fields":"log_id","include_fields":true}""")]
    [InlineData("get_users_by_email", """{"email":"Jane.Doe@Example.com"}""")]
    [InlineData("get_user_logs", """{"user_id":"auth0|1","page":0,"per_page":100,"sort":"date:1","include_totals":true}""")]
    [InlineData("get_clients", """{"is_global":false,"is_first_party":true,"app_type":"spa,native","fields":"name","include_fields":true,"page":0,"per_page":100,"include_totals":true}""")]
    [InlineData("get_client_grants", """{"audience":"https://acme.us.auth0.com/api/v2/","client_id":"abc","page":1,"per_page":1}""")]
    [InlineData("get_resource_servers", """{"identifiers":["https://api.acme.example/","urn:x"]}""")]
    [InlineData("get_roles", """{"name_filter":"admin"}""")]
    [InlineData("get_connections", """{"strategy":["auth0"],"name":"Username-Password-Authentication"}""")]
    [InlineData("get_actions", """{"triggerId":"post-login","actionName":"x","deployed":true,"installed":false,"page":0,"per_page":100}""")]
    public void Validate_AcceptsAuth0Payloads(string operation, string json)
    {
        using var payload = JsonDocument.Parse(json);

        var result = Auth0Catalog.Validate(operation, payload.RootElement);

        Assert.True(result.IsValid, $"{result.Field}: {result.Message}");
        Assert.Equal(json, result.Request!.Payload.GetRawText());
    }

    [Fact]
    public void Validate_TreatsAMissingPayloadAsAnEmptyObject()
    {
        var result = Auth0Catalog.Validate("get_users", null);

        Assert.True(result.IsValid);
        Assert.Equal(JsonValueKind.Object, result.Request!.Payload.ValueKind);
    }

    [Theory]
    [InlineData("get_users", """{"per_page":0}""", "per_page")]
    [InlineData("get_users", """{"per_page":101}""", "per_page")]
    [InlineData("get_users", """{"per_page":"10"}""", "per_page")]
    [InlineData("get_users", """{"per_page":10.5}""", "per_page")]
    [InlineData("get_users", """{"page":-1}""", "page")]
    [InlineData("get_users", """{"page":10,"per_page":100}""", "page")]
    [InlineData("get_users", """{"page":20}""", "page")]
    [InlineData("get_users", """{"sort":"created_at"}""", "sort")]
    [InlineData("get_users", """{"sort":"created_at:2"}""", "sort")]
    [InlineData("get_users", """{"search_engine":"v1"}""", "search_engine")]
    [InlineData("get_users", """{"fields":"user_id, email"}""", "fields")]
    [InlineData("get_users", """{"fields":""}""", "fields")]
    [InlineData("get_users", """{"include_totals":"true"}""", "include_totals")]
    [InlineData("get_users", """{"q":"a\u0000b"}""", "q")]
    [InlineData("get_users", """{"connection":"x"}""", "connection")]
    [InlineData("get_users", """{"per_page":10,"per_page":1000}""", "per_page")]
    [InlineData("get_users", """{"q":null}""", "q")]
    [InlineData("get_user", """{}""", "user_id")]
    [InlineData("get_user", """{"user_id":5}""", "user_id")]
    [InlineData("get_user", """{"user_id":""}""", "user_id")]
    [InlineData("get_user", """{"user_id":".."}""", "user_id")]
    [InlineData("get_user", """{"user_id":" auth0|1"}""", "user_id")]
    [InlineData("get_user", """{"user_id":"auth0|1\n"}""", "user_id")]
    [InlineData("create_user", """{"email":"a@example.com"}""", "connection")]
    [InlineData("create_user", """{"connection":"c"}""", "email")]
    [InlineData("create_user", """{"connection":"c","email":"not-an-email"}""", "email")]
    [InlineData("create_user", """{"connection":"c","email":"a@b"}""", "email")]
    [InlineData("create_user", """{"connection":"c","email":"a b@example.com"}""", "email")]
    [InlineData("create_user", """{"connection":"c","email":"a@example.com","role":"admin"}""", "role")]
    [InlineData("create_user", """{"connection":"c","email":"a@example.com","given_name":""}""", "given_name")]
    [InlineData("create_user", """{"connection":"c","email":"a@example.com","user_metadata":[]}""", "user_metadata")]
    [InlineData("create_user", """{"connection":"c","email":"a@example.com","blocked":"no"}""", "blocked")]
    [InlineData("create_user", """{"connection":"","email":"a@example.com"}""", "connection")]
    [InlineData("update_user", """{"user_id":"auth0|1"}""", "changes")]
    [InlineData("update_user", """{"changes":{"name":"x"}}""", "user_id")]
    [InlineData("update_user", """{"user_id":"auth0|1","changes":{}}""", "changes")]
    [InlineData("update_user", """{"user_id":"auth0|1","changes":null}""", "changes")]
    [InlineData("update_user", """{"user_id":"auth0|1","changes":{"user_id":"auth0|2"}}""", "changes.user_id")]
    [InlineData("update_user", """{"user_id":"auth0|1","changes":{"email":"bad"}}""", "changes.email")]
    [InlineData("update_user", """{"user_id":"auth0|1","changes":{"blocked":null}}""", "changes.blocked")]
    [InlineData("update_user", """{"user_id":"auth0|1","name":"x"}""", "name")]
    [InlineData("delete_user", """{}""", "user_id")]
    [InlineData("delete_user", """{"user_id":"auth0|1","hard":true}""", "hard")]
    [InlineData("get_logs", """{"from":"x","page":1}""", "page")]
    [InlineData("get_logs", """{"take":5,"q":"type:f"}""", "q")]
    [InlineData("get_logs", """{"take":101}""", "take")]
    [InlineData("get_logs", """{"take":0}""", "take")]
    [InlineData("get_logs", """{"page":10,"per_page":100}""", "page")]
    [InlineData("get_users_by_email", """{}""", "email")]
    [InlineData("get_users_by_email", """{"email":"nobody"}""", "email")]
    [InlineData("get_user_logs", """{"user_id":"auth0|1","per_page":0}""", "per_page")]
    [InlineData("get_user_logs", """{"per_page":10}""", "user_id")]
    [InlineData("get_clients", """{"is_global":1}""", "is_global")]
    [InlineData("get_client_grants", """{"scope":"read:users"}""", "scope")]
    [InlineData("get_resource_servers", """{"identifiers":[]}""", "identifiers")]
    [InlineData("get_resource_servers", """{"identifiers":"urn:x"}""", "identifiers")]
    [InlineData("get_resource_servers", """{"identifiers":[1]}""", "identifiers")]
    [InlineData("get_resource_servers", """{"identifiers":["a","b","c","d","e","f","g","h","i","j","k"]}""", "identifiers")]
    [InlineData("get_roles", """{"per_page":-5}""", "per_page")]
    [InlineData("get_connections", """{"strategy":"auth0"}""", "strategy")]
    [InlineData("get_actions", """{"per_page":101}""", "per_page")]
    [InlineData("get_actions", """{"deployed":"true"}""", "deployed")]
    [InlineData("get_users", """[]""", "payload")]
    [InlineData("get_users", "\"x\"", "payload")]
    [InlineData("get_users", """{"bad name!":1}""", "payload")]
    [InlineData("no_such_operation", """{}""", "operation")]
    public void Validate_RejectsABadPayload_NamingTheField(string operation, string json, string field)
    {
        using var payload = JsonDocument.Parse(json);

        var result = Auth0Catalog.Validate(operation, payload.RootElement);

        Assert.False(result.IsValid);
        Assert.Equal(field, result.Field);
        Assert.Contains($"'{field}'", result.Message, StringComparison.Ordinal);
        Assert.Null(result.Request);
    }

    [Theory]
    [InlineData("get_user", """{"user_id":"SECRET-VALUE\u0001"}""")]
    [InlineData("create_user", """{"connection":"c","email":"SECRET-VALUE"}""")]
    [InlineData("get_users", """{"sort":"SECRET-VALUE"}""")]
    [InlineData("get_users", """{"search_engine":"SECRET-VALUE"}""")]
    public void Validate_NeverEchoesTheValue(string operation, string json)
    {
        using var payload = JsonDocument.Parse(json);

        var result = Auth0Catalog.Validate(operation, payload.RootElement);

        Assert.False(result.IsValid);
        Assert.DoesNotContain("SECRET-VALUE", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ForAnUnsafeUnknownMemberName_ReportsThePayload_NotTheName()
    {
        using var payload = JsonDocument.Parse("""{"<script>":1}""");

        var result = Auth0Catalog.Validate("get_users", payload.RootElement);

        Assert.Equal("payload", result.Field);
        Assert.DoesNotContain("<script>", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AggregateCatalog_ServesTheAuth0Operations()
    {
        var catalog = new ConnectorCatalog();

        Assert.Contains("auth0", catalog.SystemTypes);
        Assert.True(catalog.TryGetOperation("auth0", "get_user_logs", out var descriptor));
        Assert.Equal("/api/v2/users/{id}/logs", descriptor.PathTemplate);
        Assert.Equal("user_id", catalog.Validate("auth0", "get_user", null).Field);
    }
}
