namespace QuantaSeal.Crypto.Envelope;

/// <summary>The text given to <see cref="HybridEnvelope.FromJson"/> is not an envelope. The message never quotes the input.</summary>
public sealed class EnvelopeFormatException : Exception
{
    /// <summary>Creates the exception with a generic message.</summary>
    public EnvelopeFormatException()
        : base("The text is not a HybridCryptoEnvelope.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public EnvelopeFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public EnvelopeFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
