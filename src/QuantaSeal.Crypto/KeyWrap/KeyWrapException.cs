namespace QuantaSeal.Crypto.KeyWrap;

/// <summary>Wrapping, unwrapping or loading a key-encryption key failed. The message never contains key material.</summary>
public sealed class KeyWrapException : Exception
{
    /// <summary>Creates the exception with a generic message.</summary>
    public KeyWrapException()
        : base("The key could not be wrapped or unwrapped.")
    {
    }

    /// <summary>Creates the exception with a (non-secret) message.</summary>
    public KeyWrapException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a (non-secret) message and its cause.</summary>
    public KeyWrapException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
