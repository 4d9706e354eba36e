namespace QuantaSeal.Cli;

/// <summary>Process exit codes. Stable: scripts branch on them.</summary>
internal static class CliExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>Bad usage, or a file could not be read or written, or a key file is invalid.</summary>
    public const int UsageOrIo = 1;

    /// <summary>The input was checked and rejected (e.g. an envelope failed verification).</summary>
    public const int Rejected = 2;

    /// <summary>
    /// The audit export verified, but the server reported acknowledged events of the tenant outside the chain
    /// (dead-lettered): the chain is intact and incomplete.
    /// </summary>
    public const int Incomplete = 3;
}
