using QuantaSeal.Emulators.Auth0;
using QuantaSeal.Emulators.Okta;

namespace QuantaSeal.Emulators;

/// <summary>
/// <c>dotnet run --project tests/Emulators/QuantaSeal.Emulators -- auth0 [--urls http://127.0.0.1:4010]</c> or
/// <c>-- okta [--urls http://127.0.0.1:4020]</c>. (A named class rather than top-level statements, so test projects
/// that reference both the server and the emulators see one <c>Program</c>.)
/// </summary>
public static class EmulatorProgram
{
    public static async Task<int> Main(string[] args) => args.FirstOrDefault() switch
    {
        "auth0" => await Auth0Emulator.RunAsync(args[1..]),
        "okta" => await OktaEmulator.RunAsync(args[1..]),
        _ => Usage(),
    };

    private static int Usage()
    {
        Console.Error.WriteLine("usage: QuantaSeal.Emulators auth0|okta [--urls URL] [options]  (see README)");
        return 2;
    }
}
