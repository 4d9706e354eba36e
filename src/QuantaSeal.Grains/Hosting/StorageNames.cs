namespace QuantaSeal.Grains.Hosting;

/// <summary>Names of the Orleans providers QuantaSeal registers on a silo (none of them is a <c>Default</c>).</summary>
public static class StorageNames
{
    /// <summary>
    /// The grain storage provider holding all QuantaSeal grain state. Its state names are scoped by grain type
    /// (<c>qs.tenant/tenant</c>); states on any other provider keep the names the silo gives them.
    /// </summary>
    public const string QuantaSeal = "quantaseal";
}
