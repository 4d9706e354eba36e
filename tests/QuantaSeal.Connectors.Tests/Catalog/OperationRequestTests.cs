using System.Text.Json;
using QuantaSeal.Connectors.Catalog;

namespace QuantaSeal.Connectors.Tests.Catalog;

/// <summary>The catalog's validation yields the request a connector executes, naming the operation it was checked for.</summary>
public sealed class OperationRequestTests
{
    private static readonly ConnectorCatalog Catalog = new();

    [Theory]
    [InlineData("auth0", "get_users", """{"per_page":5}""")]
    [InlineData("okta", "list_users", """{"limit":5}""")]
    public void ValidPayload_YieldsARequest_ForTheOperationItWasCheckedFor(string systemType, string operation, string json)
    {
        using var payload = JsonDocument.Parse(json);

        var result = Catalog.Validate(systemType, operation, payload.RootElement);

        Assert.NotNull(result.Request);
        Assert.Equal(systemType, result.Request.SystemType);
        Assert.Equal(operation, result.Request.Name);
        Assert.Equal(json, result.Request.Payload.GetRawText());
    }

    [Fact]
    public void Request_OutlivesTheDocumentItWasValidatedFrom()
    {
        OperationRequest request;
        using (var payload = JsonDocument.Parse("""{"user_id":"auth0|1"}"""))
        {
            request = Catalog.Validate("auth0", "get_user", payload.RootElement).Request!;
        }

        Assert.Equal("auth0|1", request.Payload.GetProperty("user_id").GetString());
    }

    [Fact]
    public void InvalidPayload_YieldsNoRequest()
    {
        using var payload = JsonDocument.Parse("""{"per_page":1000}""");

        var result = Catalog.Validate("auth0", "get_users", payload.RootElement);

        Assert.Null(result.Request);
        Assert.Equal("per_page", result.Field);
    }

    [Fact]
    public void Request_NeverPrintsItsPayload()
    {
        var request = ValidatedRequests.For("auth0", "create_user", """{"connection":"c","email":"jane@example.com","password":"a long secret"}""");

        Assert.DoesNotContain("secret", request.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("jane", request.ToString(), StringComparison.Ordinal);
    }
}
