using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using QuantaSeal.Client;
using QuantaSeal.Client.Encryption;
using QuantaSeal.Crypto.Audit;
using QuantaSeal.Crypto.Envelope;
using QuantaSeal.Server.Tests.Hardening;
using QuantaSeal.Server.Tests.Infrastructure;

namespace QuantaSeal.Server.Tests.Fuzz;

/// <summary>
/// Issue 13, the fuzzing campaign. Mutated valid requests go to every API endpoint (body, query, headers, ids in the
/// route), and mutated real envelopes and exports go to the SDK's opener and the CLI's export reader. The oracle: no
/// 5xx, every refusal is problem+json (except Kestrel's own empty 414/431/400 for a request line or headers over its
/// limits or an encoded control character in the path, answered before the application sees the request), no secret of the run in any answer or log line, and the parsers throw only
/// their documented exceptions. <c>QUANTASEAL_FUZZ_INPUTS</c> sets the number of HTTP inputs (CI: 1,500; the long run
/// in loadtests/README.md uses 100,000), <c>QUANTASEAL_FUZZ_SEED</c> the seed (printed, so a failure can be replayed).
/// </summary>
public sealed class FuzzCampaignTests(FuzzCampaignTests.Fixture fixture, ITestOutputHelper output) : IClassFixture<FuzzCampaignTests.Fixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static int Inputs => int.TryParse(Environment.GetEnvironmentVariable("QUANTASEAL_FUZZ_INPUTS"), CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 1_500;

    private static int Seed => int.TryParse(Environment.GetEnvironmentVariable("QUANTASEAL_FUZZ_SEED"), CultureInfo.InvariantCulture, out var s) ? s : Environment.TickCount;

    /// <summary>A server with the rate limits lifted (the campaign sends thousands of bad keys) and the emulators.</summary>
    public sealed class Fixture() : EmulatorServerFixture(new Dictionary<string, string?>
    {
        ["QuantaSeal:Upstream:TotalTimeout"] = "00:00:04",
        ["QuantaSeal:RateLimit:FailedAuthPerSecond"] = "1000000",
        ["QuantaSeal:RateLimit:FailedAuthBurst"] = "1000000",
        ["QuantaSeal:RateLimit:AnonymousPerSecond"] = "1000000",
        ["QuantaSeal:RateLimit:AnonymousBurst"] = "1000000",
        ["QuantaSeal:RateLimit:PerKeyPerSecond"] = "1000000",
        ["QuantaSeal:RateLimit:PerKeyBurst"] = "1000000",
    });

    [Fact]
    public async Task MutatedRequests_ToEveryEndpoint_NeverGet5xx_AlwaysGetProblems_AndLeakNoSecret()
    {
        var seed = Seed;
        var mutator = new Mutator(seed);
        var tenant = await fixture.Server.Sdk(null).CreateTenantAsync(fixture.Server.OperatorKey, "fuzz", cancellationToken: Ct);
        var sdk = fixture.Server.Sdk(tenant.ApiKey);
        var recipient = RecipientKey.Generate();
        var registered = await sdk.RegisterRecipientKeyAsync(recipient, cancellationToken: Ct);
        var secretValue = "fuzz-secret-" + Guid.NewGuid().ToString("N");
        var credential = await sdk.SealCredentialAsync("oauth2_client", new { client_id = "fuzz-client", client_secret = secretValue }, cancellationToken: Ct);
        var domain = fixture.Auth0.BaseUri.ToString().TrimEnd('/');
        var integration = await sdk.CreateIntegrationAsync("auth0", "fuzz", domain, credential.CredentialId, ["get_users", "create_user", "delete_user"], Ct);
        var proxyKey = await sdk.CreateApiKeyAsync("fuzz-proxy", ["proxy"], "test", Ct);
        // Events are chained asynchronously: wait for the ones the setup produced before taking an id from the chain.
        var auditEvent = (await new Audit.AuditTrail(fixture.Server).SettledAsync(tenant.TenantId, tenant.ApiKey, 3, Ct))[0].EventId;
        var ids = new Dictionary<string, string>
        {
            ["{credentialId}"] = credential.CredentialId,
            ["{integrationId}"] = integration.IntegrationId,
            ["{recipientKeyId}"] = registered.RecipientKeyId,
            ["{apiKeyId}"] = proxyKey.ApiKeyId,
            ["{eventId}"] = auditEvent,
            ["{tenantId}"] = tenant.TenantId,
        };
        string[] secrets = [tenant.ApiKey, proxyKey.ApiKey, fixture.Server.OperatorKey, secretValue, Convert.ToBase64String(tenant.HmacKey)];
        var statuses = new SortedDictionary<int, int>();
        var failures = new List<string>();
        using var http = fixture.Server.Http();
        http.Timeout = TimeSpan.FromSeconds(30);

        // Each endpoint's seed body, made valid for this tenant (the matrix's table is the list of endpoints).
        var rows = IsolationMatrixTests.Endpoints.Where(r => !r.DurableAuditOnly).ToList();
        for (var i = 0; i < Inputs; i++)
        {
            var row = mutator.Pick(rows);
            var path = row.Pattern;
            foreach (var (placeholder, id) in ids)
            {
                path = path.Replace(placeholder, mutator.Next(4) == 0 ? mutator.MutateId(id) : id, StringComparison.Ordinal);
            }

            var seedBody = row.Body is null ? null : Fill(row.Body, ids).Replace("{oktaDomain}", domain, StringComparison.Ordinal).Replace("\"okta\"", "\"auth0\"", StringComparison.Ordinal).Replace("list_users", "get_users", StringComparison.Ordinal);
            using var request = new HttpRequestMessage(new HttpMethod(row.Method), path + (row.Method == "GET" ? mutator.Query() : string.Empty));
            var body = row.Method is "GET" or "DELETE" && mutator.Next(4) > 0 ? null : mutator.MutateBody(seedBody);
            if (body is not null)
            {
                request.Content = new ByteArrayContent(body);
                request.Content.Headers.ContentType = mutator.Next(8) switch
                {
                    0 => new MediaTypeHeaderValue("text/plain"),
                    1 => MediaTypeHeaderValue.Parse("application/json; charset=utf-16"),
                    2 => null,
                    _ => new MediaTypeHeaderValue("application/json"),
                };
            }

            var key = mutator.Next(10) switch
            {
                0 => null,
                1 => tenant.ApiKey[..mutator.Next(tenant.ApiKey.Length)],
                2 => proxyKey.ApiKey,
                3 => tenant.ApiKey + "x",
                _ => tenant.ApiKey,
            };
            if (row.Access == IsolationMatrixTests.Access.Operator)
            {
                request.Headers.TryAddWithoutValidation("X-Operator-Key", mutator.Next(3) == 0 ? "qs_op_guess" : fixture.Server.OperatorKey);
            }
            else if (key is not null)
            {
                request.Headers.TryAddWithoutValidation("X-API-Key", key);
            }

            using var response = await http.SendAsync(request, Ct);
            var text = await response.Content.ReadAsStringAsync(Ct);
            var status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            var what = $"#{i} {row.Method} {Shorten(request.RequestUri!.ToString())} body {Shorten(body is null ? "-" : Encoding.UTF8.GetString(body))}";
            if (status >= 500 && status != 502 && status != 504)
            {
                failures.Add($"{what} → {status} {Shorten(text)}");
            }
            else if (status >= 400 && !IsProblem(response, text) && !RefusedByKestrel(status, request.RequestUri!, text))
            {
                failures.Add($"{what} → {status} without problem+json: {Shorten(text)}");
            }

            if (secrets.FirstOrDefault(s => text.Contains(s, StringComparison.Ordinal)) is { } leaked)
            {
                failures.Add($"{what} → {status} carries a secret of the run ({leaked.Length} chars)");
            }
        }

        var logLeaks = fixture.Server.Logs.Lines.Count(line => secrets.Any(s => line.Contains(s, StringComparison.Ordinal)));
        output.WriteLine($"fuzz http: seed {seed}, {Inputs} inputs, statuses {string.Join(", ", statuses.Select(kv => $"{kv.Key}×{kv.Value}"))}, {failures.Count} failures, {logLeaks} log lines with a secret");

        foreach (var failure in failures.Take(20))
        {
            output.WriteLine(failure);
        }

        Assert.Empty(failures.Take(20));
        Assert.Equal(0, logLeaks);
        Assert.True(statuses.Keys.Any(s => s < 300) && statuses.Keys.Count(s => s >= 400) > 3, "the campaign reached too few outcomes to mean anything");
    }

    [Fact]
    public async Task MutatedEnvelopesAndExports_AreRefusedOnlyWithTheDocumentedExceptions()
    {
        var seed = Seed;
        var mutator = new Mutator(seed);
        var tenant = await fixture.Server.Sdk(null).CreateTenantAsync(fixture.Server.OperatorKey, "fuzz-parsers", cancellationToken: Ct);
        var sdk = fixture.Server.Sdk(tenant.ApiKey);
        var recipient = RecipientKey.Generate();
        await sdk.RegisterRecipientKeyAsync(recipient, cancellationToken: Ct);
        var keys = await sdk.GetKeysAsync(Ct);
        var opener = new Encryption(keys.SigningPublicKeysById(), tenant.HmacKey, recipient, tenant.TenantId);
        var envelopeJson = (await sdk.EchoAsync(new { note = "fuzz", n = 1 }, cancellationToken: Ct)).ToJson();
        using var exportStream = new MemoryStream();
        await sdk.ExportAuditAsync(exportStream, Ct);
        var export = Encoding.UTF8.GetString(exportStream.ToArray());
        var inputs = Math.Max(500, Inputs / 3);
        var outcomes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var failures = new List<string>();

        Assert.Equal("{\"note\":\"fuzz\",\"n\":1}", Encoding.UTF8.GetString(opener.Decrypt(HybridEnvelope.FromJson(envelopeJson))));
        for (var i = 0; i < inputs; i++)
        {
            var mutated = mutator.Next(2) == 0 ? mutator.MutateStructure(envelopeJson) : Encoding.UTF8.GetString(mutator.MutateBytes(Encoding.UTF8.GetBytes(envelopeJson)));
            string outcome;
            try
            {
                opener.Decrypt(HybridEnvelope.FromJson(mutated));
                outcome = "envelope opened";
                if (!string.Equals(mutated, envelopeJson, StringComparison.Ordinal) && !SameEnvelope(mutated, envelopeJson))
                {
                    failures.Add($"envelope #{i} opened after a change: {Shorten(mutated)}");
                }
            }
            catch (Exception ex) when (ex is EnvelopeFormatException or EnvelopeVerificationException)
            {
                outcome = "envelope " + ex.GetType().Name;
            }
            catch (Exception ex)
            {
                outcome = "envelope " + ex.GetType().Name;
                failures.Add($"envelope #{i}: {ex.GetType().Name}: {ex.Message} for {Shorten(mutated)}");
            }

            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;

            var lines = export.Split('\n');
            var line = mutator.Next(lines.Length);
            lines[line] = lines[line].Length == 0 ? "{" : mutator.Next(2) == 0 && lines[line].StartsWith('{')
                ? mutator.MutateStructure(lines[line])
                : Encoding.UTF8.GetString(mutator.MutateBytes(Encoding.UTF8.GetBytes(lines[line])));
            try
            {
                var (tenantId, events, checkpoints) = AuditExport.Read(new StringReader(string.Join('\n', lines)));
                var verification = AuditChainVerifier.Verify(tenantId, events, checkpoints, keys.SigningPublicKeysById());
                outcome = verification.Valid ? "export valid" : "export invalid";
            }
            catch (FormatException)
            {
                outcome = "export FormatException";
            }
            catch (Exception ex)
            {
                outcome = "export " + ex.GetType().Name;
                failures.Add($"export #{i}: {ex.GetType().Name}: {ex.Message} for line {line}: {Shorten(lines[line])}");
            }

            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }

        output.WriteLine($"fuzz parsers: seed {seed}, {inputs} envelopes and {inputs} exports, outcomes {string.Join(", ", outcomes.Select(kv => $"{kv.Key}×{kv.Value}"))}, {failures.Count} failures");
        foreach (var failure in failures.Take(20))
        {
            output.WriteLine(failure);
        }

        Assert.Empty(failures.Take(20));
    }

    /// <summary>The same envelope when only JSON spelling changed (member order, escapes): parsed, both are equal.</summary>
    private static bool SameEnvelope(string a, string b)
    {
        try
        {
            return string.Equals(HybridEnvelope.FromJson(a).ToJson(), HybridEnvelope.FromJson(b).ToJson(), StringComparison.Ordinal);
        }
        catch (EnvelopeFormatException)
        {
            return false;
        }
    }

    private static bool IsProblem(HttpResponseMessage response, string text)
    {
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.TryGetProperty("status", out _) && document.RootElement.TryGetProperty("type", out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// Kestrel answers some malformed requests itself, with an empty body, before any application code runs: a request
    /// line or headers over its limits (414, 431) and a path with an encoded control character (400).
    /// </summary>
    private static bool RefusedByKestrel(int status, Uri uri, string body) =>
        body.Length == 0 && (status is 414 or 431
            || (status == 400 && System.Text.RegularExpressions.Regex.IsMatch(uri.AbsolutePath, "%[01][0-9A-Fa-f]")));

    private static string Fill(string template, Dictionary<string, string> ids)
    {
        foreach (var (placeholder, id) in ids)
        {
            template = template.Replace(placeholder, id, StringComparison.Ordinal);
        }

        return template;
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + $"…({text.Length} chars)";
}
