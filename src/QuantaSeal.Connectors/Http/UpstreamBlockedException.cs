namespace QuantaSeal.Connectors.Http;

/// <summary>The outbound host policy refused a connection. The message is client-safe.</summary>
public sealed class UpstreamBlockedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public UpstreamBlockedException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public UpstreamBlockedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and inner exception.</summary>
    public UpstreamBlockedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
