using QuantaSeal.Emulators.Auth0;
using QuantaSeal.Emulators.Okta;

// dotnet run --project tests/Emulators/QuantaSeal.Emulators -- auth0 [--urls http://127.0.0.1:4010] [options]
// dotnet run --project tests/Emulators/QuantaSeal.Emulators -- okta  [--urls http://127.0.0.1:4020] [options]
return args.FirstOrDefault() switch
{
    "auth0" => await Auth0Emulator.RunAsync(args[1..]),
    "okta" => await OktaEmulator.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: QuantaSeal.Emulators auth0|okta [--urls URL] [options]  (see README)");
    return 2;
}
