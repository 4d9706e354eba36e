namespace QuantaSeal.Cli;

/// <summary>An expected failure with a message fit for stderr (never key material) and its exit code.</summary>
internal sealed class CliException(string message, int exitCode = CliExitCodes.UsageOrIo) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
