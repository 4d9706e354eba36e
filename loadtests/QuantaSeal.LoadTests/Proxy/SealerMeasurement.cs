using System.Diagnostics;
using System.Globalization;
using QuantaSeal.Crypto.Envelope;
using QuantaSeal.Crypto.Keys;

namespace QuantaSeal.LoadTests.Proxy;

/// <summary>
/// The floor of a proxied call: the project's own sealer (<see cref="HybridEnvelopeSealer"/>: ML-KEM-768
/// encapsulation, AES-256-GCM, ML-DSA-65 and HMAC-SHA-512 signatures, JSON) sealing one answer into an envelope, on
/// every core of this machine, in this process. Nothing else runs in the process meanwhile (the emulator it hosts is
/// idle), so the process CPU time divided by the envelopes is the CPU price of one envelope.
/// </summary>
internal static class SealerMeasurement
{
    /// <summary>A get_users answer of one user as the Auth0 emulator sends it (about 600 bytes), as the plaintext.</summary>
    private static readonly byte[] Plaintext = System.Text.Encoding.UTF8.GetBytes(
        """[{"user_id":"auth0|load0000000000000000000001","email":"load.user@example.com","email_verified":true,"name":"Load User","nickname":"load.user","picture":"https://s.gravatar.com/avatar/00000000000000000000000000000000?s=480&r=pg&d=https%3A%2F%2Fcdn.auth0.com%2Favatars%2Flu.png","created_at":"2026-01-01T00:00:00.000Z","updated_at":"2026-01-01T00:00:00.000Z","identities":[{"connection":"Username-Password-Authentication","provider":"auth0","user_id":"load0000000000000000000001","isSocial":false}],"last_login":"2026-01-01T00:00:00.000Z","logins_count":1,"app_metadata":{},"user_metadata":{}}]""");

    /// <summary>Envelopes sealed in the window, its wall time, and this process's CPU time in it.</summary>
    internal sealed record Result(long Envelopes, TimeSpan Wall, TimeSpan Cpu, int Threads)
    {
        public double EnvelopesPerSecond => Envelopes / Wall.TotalSeconds;

        public double CpuMsPerEnvelope => Cpu.TotalMilliseconds / Envelopes;

        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"{EnvelopesPerSecond:F0} envelopes/s on {Threads} threads, {CpuMsPerEnvelope:F3} ms CPU per envelope ({Envelopes} in {Wall.TotalSeconds:F1} s)");
    }

    public static async Task<Result> RunAsync(TimeSpan warmup, TimeSpan duration, CancellationToken cancellationToken)
    {
        using var signing = MlDsa65KeyPair.Generate();
        using var recipient = MlKem768KeyPair.Generate();
        var hmacKey = System.Security.Cryptography.RandomNumberGenerator.GetBytes(64);
        var recipientPublicKey = recipient.PublicKey;
        var threads = Environment.ProcessorCount;

        // Unmeasured first (JIT, BouncyCastle tables), as the proxy scenario warms its servers up.
        await SealOnEveryCoreAsync(warmup, threads, signing, recipientPublicKey, hmacKey, cancellationToken);
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        var cpuBefore = self.TotalProcessorTime;
        var clock = TimeProvider.System;
        var started = clock.GetTimestamp();
        var envelopes = await SealOnEveryCoreAsync(duration, threads, signing, recipientPublicKey, hmacKey, cancellationToken);
        var wall = clock.GetElapsedTime(started);
        self.Refresh();
        return new Result(envelopes, wall, self.TotalProcessorTime - cpuBefore, threads);
    }

    private static async Task<long> SealOnEveryCoreAsync(TimeSpan duration, int threads, MlDsa65KeyPair signing, byte[] recipientPublicKey, byte[] hmacKey, CancellationToken cancellationToken)
    {
        long sealedCount = 0;
        var clock = TimeProvider.System;
        var until = clock.GetTimestamp() + (long)(duration.TotalSeconds * clock.TimestampFrequency);
        var workers = Enumerable.Range(0, threads).Select(worker => Task.Factory.StartNew(
            () =>
            {
                long mine = 0;
                while (clock.GetTimestamp() < until && !cancellationToken.IsCancellationRequested)
                {
                    // A fresh event id per envelope, as every proxied call has; the JSON is what the server sends.
                    var input = new EnvelopeSealInput("ten_01JLOADTEST0000000000000000", "rk_01JLOADTEST000000000000000", recipientPublicKey,
                        "aud_" + Ulid.NewUlid(), true, Plaintext);
                    _ = HybridEnvelopeSealer.Seal(input, signing, "sk_01JLOADTEST000000000000000", hmacKey).ToJson();
                    mine++;
                }

                Interlocked.Add(ref sealedCount, mine);
            },
            cancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default));
        await Task.WhenAll(workers);
        return Interlocked.Read(ref sealedCount);
    }
}
