using System.Text;
using QuantaSeal.Cli;

// Plaintext goes to stdout as raw bytes (no added newline, no re-encoding); diagnostics go to stderr.
using var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { AutoFlush = true };
return await Cli.RunAsync(args, new CliConsole(stdout, Console.Error, Console.OpenStandardInput)).ConfigureAwait(false);
