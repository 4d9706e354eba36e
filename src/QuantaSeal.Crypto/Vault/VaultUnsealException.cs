namespace QuantaSeal.Crypto.Vault;

/// <summary>A sealed credential could not be unsealed (wrong key, wrong AAD, or corrupted). The message never carries secret data.</summary>
public sealed class VaultUnsealException : Exception
{
    /// <summary>Creates the exception with a generic message.</summary>
    public VaultUnsealException()
        : base("The sealed secret could not be unsealed.")
    {
    }

    /// <summary>Creates the exception with a (non-secret) message.</summary>
    public VaultUnsealException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a (non-secret) message and its cause.</summary>
    public VaultUnsealException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
