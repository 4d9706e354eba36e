namespace QuantaSeal.Server.Hosting;

/// <summary>Start-up log lines. They name secret files, never their content.</summary>
internal static partial class StartupLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Created a new operator key in {OperatorKeyFile}")]
    public static partial void OperatorKeyCreated(ILogger logger, string operatorKeyFile);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Created a new local master key in {MasterKeyFile}: back it up; without it no tenant key can be unwrapped")]
    public static partial void MasterKeyCreated(ILogger logger, string masterKeyFile);
}
