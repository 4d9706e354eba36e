namespace QuantaSeal.Grains.Hosting;

/// <summary>Names of the Orleans providers QuantaSeal grains use.</summary>
public static class StorageNames
{
    /// <summary>The grain storage provider holding all QuantaSeal grain state.</summary>
    public const string QuantaSeal = "quantaseal";
}
