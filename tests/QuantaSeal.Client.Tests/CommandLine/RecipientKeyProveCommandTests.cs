using System.Text.Json;
using QuantaSeal.Client.Encryption;
using QuantaSeal.Client.Tests.Infrastructure;
using QuantaSeal.Crypto.Keys;

namespace QuantaSeal.Client.Tests.CommandLine;

/// <summary><c>quantaseal keys recipient prove</c>: the proof of possession a registration needs (issue 13 finding 1).</summary>
public sealed class RecipientKeyProveCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task Prove_PrintsTheRegistrationBody_WithAProofTheServerCanCheck()
    {
        var secret = _dir.File("secret.b64");
        await CliHarness.RunInProcessAsync(["keys", "recipient", "generate", "--out", secret]);
        using var key = RecipientKey.Load(secret);
        var (ciphertext, sharedSecret) = MlKem768KeyPair.Encapsulate(key.PublicKey);
        var challenge = _dir.Write("challenge.json", JsonSerializer.Serialize(new { challenge_id = "rkc_01JAAAAAAAAAAAAAAAAAAAAAAA", ciphertext_kem = Convert.ToBase64String(ciphertext), expires_at = "2030-01-01T00:00:00Z" }));

        var result = await CliHarness.RunInProcessAsync(["keys", "recipient", "prove", "--recipient-key", secret, "--tenant-id", "ten_01JAAAAAAAAAAAAAAAAAAAAAAA", "--challenge", challenge, "--label", "laptop"]);
        var body = JsonDocument.Parse(result.StandardOutput).RootElement;

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(key.PublicKeyBase64, body.GetProperty("public_key").GetString());
        Assert.Equal("rkc_01JAAAAAAAAAAAAAAAAAAAAAAA", body.GetProperty("challenge_id").GetString());
        Assert.Equal("laptop", body.GetProperty("label").GetString());
        Assert.True(RecipientKeyProof.Verify(sharedSecret, "ten_01JAAAAAAAAAAAAAAAAAAAAAAA", "rkc_01JAAAAAAAAAAAAAAAAAAAAAAA", key.PublicKey, Convert.FromBase64String(body.GetProperty("proof").GetString()!)));
    }

    [Fact]
    public async Task Prove_RefusesAChallengeThatIsNotOne()
    {
        var secret = _dir.File("secret.b64");
        await CliHarness.RunInProcessAsync(["keys", "recipient", "generate", "--out", secret]);
        var challenge = _dir.Write("challenge.json", "{\"hello\":1}");

        var result = await CliHarness.RunInProcessAsync(["keys", "recipient", "prove", "--recipient-key", secret, "--tenant-id", "ten_x", "--challenge", challenge]);

        Assert.Equal(1, result.ExitCode);
        Assert.Empty(result.StandardOutput);
        Assert.Contains("challenge", result.StandardError, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();
}
