namespace QuantaSeal.Grains.Integrations;

/// <summary>What one proxy pipeline step hands on: a value for the next step, or the <see cref="ProxyRefusal"/> that ends the call.</summary>
/// <typeparam name="T">The value the next step takes.</typeparam>
internal readonly struct ProxyStep<T>
    where T : class
{
    private ProxyStep(T? value, ProxyRefusal? refusal)
    {
        Value = value;
        Refusal = refusal;
    }

    /// <summary>The value when the step passed; null when it refused.</summary>
    public T? Value { get; }

    /// <summary>The refusal when the step refused; null when it passed.</summary>
    public ProxyRefusal? Refusal { get; }

    /// <summary>The step passed.</summary>
    public static implicit operator ProxyStep<T>(T value) => new(value ?? throw new ArgumentNullException(nameof(value)), null);

    /// <summary>The step refused.</summary>
    public static implicit operator ProxyStep<T>(ProxyRefusal refusal) => new(null, refusal ?? throw new ArgumentNullException(nameof(refusal)));
}
