using System.Security.Cryptography;
using System.Text;

namespace QuantaSeal.Server.Security;

/// <summary>Holds SHA-256 of the operator key and checks presented keys in constant time.</summary>
internal sealed class OperatorKeyVerifier(string operatorKey)
{
    public const string HeaderName = "X-Operator-Key";

    private readonly byte[] _hash = SHA256.HashData(Encoding.UTF8.GetBytes(operatorKey));

    public bool Verify(string? presented)
    {
        if (string.IsNullOrEmpty(presented))
        {
            return false;
        }

        var presentedHash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        return CryptographicOperations.FixedTimeEquals(presentedHash, _hash);
    }
}
