namespace QuantaSeal.Crypto.Encoding;

/// <summary>
/// UTF-8 that refuses ill-formed UTF-16 (lone surrogates). The lenient default encoder turns every lone
/// surrogate into U+FFFD, so two different strings would encode to the same signed bytes.
/// </summary>
internal static class StrictUtf8
{
    public static readonly System.Text.UTF8Encoding Encoding = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static byte[] GetBytes(string value, string paramName)
    {
        if (!TryGetBytes(value, out var bytes))
        {
            throw new ArgumentException("The value is not well-formed UTF-16 (it contains a lone surrogate).", paramName);
        }

        return bytes;
    }

    public static bool TryGetBytes(string value, out byte[] bytes)
    {
        try
        {
            bytes = Encoding.GetBytes(value);
            return true;
        }
        catch (System.Text.EncoderFallbackException)
        {
            bytes = [];
            return false;
        }
    }
}
