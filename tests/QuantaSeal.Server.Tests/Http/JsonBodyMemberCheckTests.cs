using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Mvc;
using QuantaSeal.Server.Http;

namespace QuantaSeal.Server.Tests.Http;

/// <summary>The body reader names unknown and missing members from the contract, not from exception messages.</summary>
public sealed class JsonBodyMemberCheckTests
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };

    [Theory]
    [InlineData("{\"display_name\":\"a\",\"is_admin\":true}", "is_admin", "Unknown field 'is_admin'.")]
    [InlineData("{\"display_name\":\"a\",\"bad name!\":{\"nested\":[1,2]}}", "bad?name?", "Unknown field 'bad?name?'.")]
    [InlineData("{\"tags\":[\"x\"]}", "display_name", "Missing required field(s): display_name.")]
    [InlineData("{\"Display_Name\":\"a\"}", "Display_Name", "Unknown field 'Display_Name'.")]
    public void CheckMembers_NamesTheField(string json, string field, string detail)
    {
        var problem = JsonBody.CheckMembers(Encoding.UTF8.GetBytes(json), Options.GetTypeInfo(typeof(Sample)));

        Assert.NotNull(problem);
        var body = Assert.IsType<ProblemDetails>(problem.ProblemDetails);
        Assert.Equal(ProblemTypes.MalformedJson, body.Type);
        Assert.Equal(field, body.Extensions["field"]);
        Assert.Equal(detail, body.Detail);
    }

    [Theory]
    [InlineData("{\"display_name\":\"a\",\"tags\":[\"x\",{\"deep\":1}]}")]
    [InlineData("{\"display_name\":5}")]
    [InlineData("{\"display_name\":")]
    [InlineData("[1,2]")]
    public void CheckMembers_LeavesTypesAndSyntaxToTheDeserializer(string json) =>
        Assert.Null(JsonBody.CheckMembers(Encoding.UTF8.GetBytes(json), Options.GetTypeInfo(typeof(Sample))));

    [Fact]
    public void CheckMembers_AllowsUnknownMembers_WhenTheContractDoes()
    {
        var lenient = new JsonSerializerOptions(Options) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip };

        Assert.Null(JsonBody.CheckMembers("{\"display_name\":\"a\",\"extra\":1}"u8, lenient.GetTypeInfo(typeof(Sample))));
    }

    private sealed record Sample(string? DisplayName, IReadOnlyList<string>? Tags)
    {
        [JsonRequired]
        public string? DisplayName { get; init; } = DisplayName;
    }
}
