using System.Text;
using System.Text.Json.Serialization;
using QuantaSeal.Grains.Hosting.Serialization;

namespace QuantaSeal.Grains.Tests.Storage;

public sealed class GrainStateSerializerTests
{
    private readonly QuantaSealGrainStateSerializer _serializer = new();

    [Fact]
    public void State_RoundTrips()
    {
        var state = new ProfileTestState
        {
            DisplayName = "Ada",
            Count = 3,
            FavouriteColor = ProfileTestColor.DeepBlue,
            Tags = { ["MixedCase-Key"] = 1 },
        };

        var copy = _serializer.Deserialize<ProfileTestState>(_serializer.Serialize(state))!;

        Assert.Equal("Ada", copy.DisplayName);
        Assert.Equal(3, copy.Count);
        Assert.Equal(ProfileTestColor.DeepBlue, copy.FavouriteColor);
        Assert.Equal(1, copy.Tags["MixedCase-Key"]);
    }

    [Fact]
    public void Json_IsSnakeCase_WithEnumNames_VerbatimDictionaryKeys_AndNoTypeNames()
    {
        var state = new ProfileTestState { DisplayName = "Ada", FavouriteColor = ProfileTestColor.DeepBlue, Tags = { ["Key-1"] = 1 } };

        var json = _serializer.Serialize(state).ToString();

        Assert.Equal("""{"display_name":"Ada","count":0,"favourite_color":"deep_blue","tags":{"Key-1":1}}""", json);
    }

    [Fact]
    public void Read_IgnoresUnknownMembers_AndKeepsDefaultsOfMissingOnes()
    {
        var stored = """{"name":"kept","removed_since":"x","nested":{"a":[1,2]}}""";

        var state = _serializer.Deserialize<EvolvedState>(new BinaryData(Encoding.UTF8.GetBytes(stored)))!;

        Assert.Equal("kept", state.Name);
        Assert.Equal(42, state.AddedLater);
        Assert.Equal(["default"], state.AddedList);
    }

    [Fact]
    public void Read_AcceptsEnumsStoredAsNumbers()
    {
        var state = _serializer.Deserialize<ProfileTestState>(BinaryData.FromString("""{"favourite_color":1}"""))!;

        Assert.Equal(ProfileTestColor.DeepBlue, state.FavouriteColor);
    }

    [Fact]
    public void Read_AcceptsPolymorphicDiscriminators_AfterOtherKeys()
    {
        // jsonb reorders object keys (shorter first), so "$type" is not necessarily first when read back.
        var stored = """{"items":[{"id":"x","$type":"card"}]}""";

        var state = _serializer.Deserialize<Wallet>(BinaryData.FromString(stored))!;

        Assert.IsType<Card>(Assert.Single(state.Items));
    }

    [Fact]
    public void NullState_RoundTripsAsNull()
    {
        Assert.Null(_serializer.Deserialize<ProfileTestState>(_serializer.Serialize<ProfileTestState>(null)));
    }

    public sealed class EvolvedState
    {
        public string? Name { get; set; }

        public int AddedLater { get; set; } = 42;

        public List<string> AddedList { get; set; } = ["default"];
    }

    public sealed class Wallet
    {
        public List<PaymentMethod> Items { get; set; } = [];
    }

    [JsonDerivedType(typeof(Card), "card")]
    public abstract class PaymentMethod
    {
        public string? Id { get; set; }
    }

    public sealed class Card : PaymentMethod;
}
