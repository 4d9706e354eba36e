using System.Text;

namespace QuantaSeal.Cli;

/// <summary>The streams a command talks to, injectable so commands run in-process in tests.</summary>
/// <param name="Out">Standard output: only ever the command's result.</param>
/// <param name="Error">Standard error: diagnostics, never key material or plaintext.</param>
/// <param name="OpenInput">Opens standard input (for <c>-</c> paths).</param>
internal sealed record CliConsole(TextWriter Out, TextWriter Error, Func<Stream> OpenInput)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Writes bytes to standard output unchanged when it is backed by a stream; otherwise (an in-memory writer in
    /// tests) as strict UTF-8 text.
    /// </summary>
    public async Task WriteOutputBytesAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        if (Out is StreamWriter { BaseStream: { } stream } writer)
        {
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        await Out.WriteAsync(StrictUtf8.GetString(bytes).AsMemory(), cancellationToken).ConfigureAwait(false);
        await Out.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
