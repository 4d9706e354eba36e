namespace QuantaSeal.Grains.Tests.Storage;

/// <summary>State of <see cref="ProfileTestGrain"/>: a class, an enum and a dictionary, like real grain state.</summary>
public sealed class ProfileTestState
{
    public string? DisplayName { get; set; }

    public int Count { get; set; }

    public ProfileTestColor FavouriteColor { get; set; }

    public Dictionary<string, int> Tags { get; set; } = [];
}

public enum ProfileTestColor
{
    Unknown = 0,
    DeepBlue = 1,
}
