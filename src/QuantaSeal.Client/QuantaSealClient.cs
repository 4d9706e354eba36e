using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using QuantaSeal.Client.Encryption;
using QuantaSeal.Client.Integrations;
using QuantaSeal.Client.Proxy;
using QuantaSeal.Client.Tenants;
using QuantaSeal.Client.Vault;
using QuantaSeal.Crypto.Envelope;
using QuantaSeal.Crypto.Keys;

namespace QuantaSeal.Client;

/// <summary>
/// Typed client for the QuantaSeal REST API (<c>/api/v2</c>). Authenticates with an API key in <c>X-API-Key</c>;
/// tenant creation uses the operator key instead. Errors surface as <see cref="QuantaSealApiException"/>.
/// </summary>
/// <remarks>The caller owns <paramref name="httpClient"/> (set its <see cref="HttpClient.BaseAddress"/>).</remarks>
/// <param name="httpClient">An HTTP client whose base address is the QuantaSeal server.</param>
/// <param name="apiKey">The API key (<c>qs_live_...</c> / <c>qs_test_...</c>), or null for operator-only use.</param>
public sealed partial class QuantaSealClient(HttpClient httpClient, string? apiKey = null)
{
    private const string ApiKeyHeader = "X-API-Key";
    private const string OperatorKeyHeader = "X-Operator-Key";

    /// <summary>The JSON conventions of the API: snake_case names, nulls omitted.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private static readonly JsonSerializerOptions VendorJsonOptions = new(JsonSerializerDefaults.General);

    /// <summary>Creates a tenant with the operator key. The answer holds the admin API key and HMAC key once.</summary>
    public Task<TenantCreation> CreateTenantAsync(string operatorKey, string name, string apiKeyEnvironment = "live", CancellationToken cancellationToken = default) =>
        SendAsync<TenantCreation>(HttpMethod.Post, "api/v2/tenants", new { name, api_key_environment = apiKeyEnvironment }, operatorKey, cancellationToken);

    /// <summary>The calling key's tenant.</summary>
    public Task<TenantDetails> GetTenantAsync(CancellationToken cancellationToken = default) =>
        SendAsync<TenantDetails>(HttpMethod.Get, "api/v2/tenant", null, null, cancellationToken);

    /// <summary>The tenant's signing public keys (current and retired) and recipient keys.</summary>
    public Task<TenantKeys> GetKeysAsync(CancellationToken cancellationToken = default) =>
        SendAsync<TenantKeys>(HttpMethod.Get, "api/v2/tenant/keys", null, null, cancellationToken);

    /// <summary>
    /// Registers the public half of <paramref name="recipientKey"/> with proof of possession: asks the server for a
    /// challenge (a secret encapsulated to the key), decapsulates it and answers with
    /// <see cref="RecipientKeyProof"/>. The first key of a tenant becomes its default recipient key; later ones only
    /// through <see cref="SetDefaultRecipientKeyAsync"/>.
    /// </summary>
    /// <param name="recipientKey">The key pair; only its public half and the proof leave this process.</param>
    /// <param name="label">Optional label.</param>
    /// <param name="cancellationToken">Cancels the calls.</param>
    public Task<RecipientKeyRegistration> RegisterRecipientKeyAsync(RecipientKey recipientKey, string? label = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recipientKey);
        return RegisterRecipientKeyAsync(recipientKey.KeyPair, label, cancellationToken);
    }

    /// <inheritdoc cref="RegisterRecipientKeyAsync(RecipientKey, string?, CancellationToken)"/>
    public async Task<RecipientKeyRegistration> RegisterRecipientKeyAsync(MlKem768KeyPair recipientKey, string? label = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recipientKey);
        var publicKey = recipientKey.PublicKey;
        var challenge = await SendAsync<RecipientKeyChallengeDetails>(HttpMethod.Post, "api/v2/tenant/recipient-keys/challenges", new { public_key = publicKey }, null, cancellationToken).ConfigureAwait(false);
        var tenant = await GetTenantAsync(cancellationToken).ConfigureAwait(false);
        var secret = recipientKey.Decapsulate(challenge.CiphertextKem);
        try
        {
            var proof = RecipientKeyProof.Compute(secret, tenant.TenantId, challenge.ChallengeId, publicKey);
            return await SendAsync<RecipientKeyRegistration>(HttpMethod.Post, "api/v2/tenant/recipient-keys", new { public_key = publicKey, label, challenge_id = challenge.ChallengeId, proof }, null, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>
    /// Registers a public key with a proof computed elsewhere (the holder of the private key answered the challenge of
    /// <see cref="CreateRecipientKeyChallengeAsync"/>, e.g. with <c>quantaseal keys recipient prove</c>). Without
    /// <paramref name="challengeId"/> and <paramref name="proof"/> the server refuses the registration (400, field <c>proof</c>).
    /// </summary>
    public Task<RecipientKeyRegistration> RegisterRecipientKeyAsync(byte[] publicKey, string? label, string? challengeId, byte[]? proof, CancellationToken cancellationToken = default) =>
        SendAsync<RecipientKeyRegistration>(HttpMethod.Post, "api/v2/tenant/recipient-keys", new { public_key = publicKey, label, challenge_id = challengeId, proof }, null, cancellationToken);

    /// <summary>Registers a public key without a proof: servers since issue 13 refuse it (400, field <c>proof</c>).</summary>
    public Task<RecipientKeyRegistration> RegisterRecipientKeyAsync(byte[] publicKey, string? label = null, CancellationToken cancellationToken = default) =>
        RegisterRecipientKeyAsync(publicKey, label, null, null, cancellationToken);

    /// <summary>Step 1 of a registration: the server encapsulates a secret to <paramref name="publicKey"/> (valid 5 minutes, once).</summary>
    public Task<RecipientKeyChallengeDetails> CreateRecipientKeyChallengeAsync(byte[] publicKey, CancellationToken cancellationToken = default) =>
        SendAsync<RecipientKeyChallengeDetails>(HttpMethod.Post, "api/v2/tenant/recipient-keys/challenges", new { public_key = publicKey }, null, cancellationToken);

    /// <summary>Makes <paramref name="recipientKeyId"/> the key envelopes are sealed to when a call names none.</summary>
    public Task<RecipientKeyRegistration> SetDefaultRecipientKeyAsync(string recipientKeyId, CancellationToken cancellationToken = default) =>
        SendAsync<RecipientKeyRegistration>(HttpMethod.Put, "api/v2/tenant/recipient-keys/default", new { recipient_key_id = recipientKeyId }, null, cancellationToken);

    /// <summary>
    /// Operator lock-out recovery: issues a new admin API key to <paramref name="tenantId"/> (shown once), recorded in
    /// the tenant's audit chain with actor <c>operator</c>.
    /// </summary>
    /// <param name="operatorKey">The operator key.</param>
    /// <param name="tenantId">The tenant (<c>ten_...</c>).</param>
    /// <param name="name">The new key's name.</param>
    /// <param name="environment"><c>live</c> (<c>qs_live_...</c>) or <c>test</c> (<c>qs_test_...</c>).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<ApiKeyCreation> RecoverAdminKeyAsync(string operatorKey, string tenantId, string name = "recovered-admin", string environment = "live", CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        return SendAsync<ApiKeyCreation>(HttpMethod.Post, "api/v2/tenants/" + Uri.EscapeDataString(tenantId) + "/recovery-admin-key", new { name, environment }, operatorKey, cancellationToken);
    }

    /// <summary>Revokes a recipient key.</summary>
    public Task<RecipientKeyRegistration> RevokeRecipientKeyAsync(string recipientKeyId, CancellationToken cancellationToken = default) =>
        SendAsync<RecipientKeyRegistration>(HttpMethod.Delete, "api/v2/tenant/recipient-keys/" + Uri.EscapeDataString(recipientKeyId), null, null, cancellationToken);

    /// <summary>Rotates the signing key; with <paramref name="rotateHmacKey"/> also the HMAC key (returned once).</summary>
    public Task<SigningKeyRotation> RotateSigningKeyAsync(bool rotateHmacKey = false, CancellationToken cancellationToken = default) =>
        SendAsync<SigningKeyRotation>(HttpMethod.Post, "api/v2/tenant/signing-keys/rotate", new { rotate_hmac_key = rotateHmacKey }, null, cancellationToken);

    /// <summary>Creates a scoped API key (<c>admin</c>, <c>proxy</c>, <c>audit:read</c>); the key is in the answer once.</summary>
    public Task<ApiKeyCreation> CreateApiKeyAsync(string name, IReadOnlyList<string> scopes, string environment = "live", CancellationToken cancellationToken = default) =>
        SendAsync<ApiKeyCreation>(HttpMethod.Post, "api/v2/tenant/api-keys", new { name, scopes, environment }, null, cancellationToken);

    /// <summary>Lists the tenant's API keys.</summary>
    public async Task<IReadOnlyList<ApiKeyDetails>> ListApiKeysAsync(CancellationToken cancellationToken = default) =>
        (await SendAsync<DataList<ApiKeyDetails>>(HttpMethod.Get, "api/v2/tenant/api-keys", null, null, cancellationToken).ConfigureAwait(false)).Data;

    /// <summary>Revokes an API key.</summary>
    public Task<ApiKeyDetails> RevokeApiKeyAsync(string apiKeyId, CancellationToken cancellationToken = default) =>
        SendAsync<ApiKeyDetails>(HttpMethod.Delete, "api/v2/tenant/api-keys/" + Uri.EscapeDataString(apiKeyId), null, null, cancellationToken);

    /// <summary>Seals credentials (values are never returned).</summary>
    public Task<CredentialDetails> SealCredentialAsync(string credentialType, object values, string? name = null, CancellationToken cancellationToken = default) =>
        SendAsync<CredentialDetails>(HttpMethod.Post, "api/v2/vault/seal", new { credential_type = credentialType, values, name }, null, cancellationToken);

    /// <summary>Replaces a credential's values (rotation).</summary>
    public Task<CredentialDetails> RotateCredentialAsync(string credentialId, object values, CancellationToken cancellationToken = default) =>
        SendAsync<CredentialDetails>(HttpMethod.Put, "api/v2/vault/credentials/" + Uri.EscapeDataString(credentialId), new { values }, null, cancellationToken);

    /// <summary>Creates an integration with a default-deny operation allowlist.</summary>
    public Task<IntegrationDetails> CreateIntegrationAsync(string systemType, string name, string domain, string credentialId, IReadOnlyList<string> allowedOperations, CancellationToken cancellationToken = default) =>
        SendAsync<IntegrationDetails>(HttpMethod.Post, "api/v2/integrations", new { system_type = systemType, name, domain, credential_id = credentialId, allowed_operations = allowedOperations }, null, cancellationToken);

    /// <summary>
    /// Runs an operation through the proxy. Never throws for proxy or upstream errors: they are in the result. When an
    /// opener is configured (<see cref="Encryption"/>), an answer carrying an envelope is verified first: both signatures,
    /// the request hash against the request sent here, and <c>issued_at</c> within the opener's window; the error,
    /// paging and rate-limit values are then read from the signed copy only.
    /// </summary>
    /// <exception cref="EnvelopeVerificationException">The answer's envelope was rejected (tampered, another request's, or stale).</exception>
    public async Task<ProxyResponse> ProxyAsync(string integrationId, string operation, object? payload = null, string? recipientKeyId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(integrationId);
        ArgumentNullException.ThrowIfNull(operation);

        // The payload is the vendor's shape (Okta's firstName, Auth0's user_id): its member names are sent as given. It is
        // written once as text and sent byte for byte, so the request hash below is the one the server computes.
        var payloadJson = payload is null ? null : JsonSerializer.Serialize(payload, VendorJsonOptions);
        if (payloadJson == "null")
        {
            payloadJson = null;
        }

        var requestSha256 = EnvelopeRequestHash.ForProxy(integrationId, operation, payloadJson);
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v2/proxy/outbound")
        {
            Content = ProxyBody(integrationId, operation, payloadJson, recipientKeyId),
        };
        if (apiKey is not null)
        {
            request.Headers.Add(ApiKeyHeader, apiKey);
        }

        using var response = await httpClient.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(text);
            root = doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new QuantaSealApiException(response.StatusCode, null, "The proxy answered with a body that is not JSON.", null, null);
        }

        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("success", out var successElement))
        {
            // Not a proxy answer (authentication, unknown integration, bad request shape): a plain problem.
            throw new QuantaSealApiException(response.StatusCode, Str(root, "type"), Str(root, "title"), Str(root, "detail"), Str(root, "field")) { RetryAfter = RetryAfterOf(response) };
        }

        HybridEnvelope? envelope;
        try
        {
            envelope = root.TryGetProperty("encrypted", out _) ? HybridEnvelope.FromJson(text) : null;
        }
        catch (EnvelopeFormatException ex)
        {
            throw new EnvelopeVerificationException(EnvelopeRejectionReason.Malformed, ex.Message, ex);
        }

        if (envelope is not null && _encryption is { } opener)
        {
            // Fail closed: a tampered, misdirected or stale answer throws here, before any of it is handed out.
            var verified = opener.Verify(envelope, opener.Expectations(requestSha256));
            return new ProxyResponse(
                (int)response.StatusCode, verified.Success, verified.AuditEventId, envelope, verified.Error?.Type, verified.Error?.Message,
                verified.Error?.UpstreamStatus, verified.NextCursor, Str(root, "field"))
            {
                Paging = verified.Paging is null ? null : new ProxyPaging(verified.NextCursor),
                RateLimit = verified.RateLimit is { } signedRateLimit ? ReadRateLimit(signedRateLimit) : null,
                RequestSha256 = requestSha256,
                Verified = verified,
            };
        }

        // Nothing authenticated: an answer refused before the upstream (no envelope), or a client without an opener.
        // Its error fields are hints; paging and rate-limit values are not handed out unauthenticated.
        string? errorType = null, errorMessage = null;
        int? upstreamStatus = null;
        if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
        {
            errorType = Str(error, "type");
            errorMessage = Str(error, "message");
            upstreamStatus = error.TryGetProperty("upstream_status", out var us) && us.ValueKind == JsonValueKind.Number ? us.GetInt32() : null;
        }

        return new ProxyResponse((int)response.StatusCode, successElement.ValueKind == JsonValueKind.True, Str(root, "audit_event_id"), envelope, errorType, errorMessage, upstreamStatus, null, Str(root, "field"))
        {
            RequestSha256 = requestSha256,
        };

        static string? Str(JsonElement e, string name) =>
            e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
    }

    private static ByteArrayContent ProxyBody(string integrationId, string operation, string? payloadJson, string? recipientKeyId)
    {
        var body = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(body))
        {
            writer.WriteStartObject();
            writer.WriteString("integration_id", integrationId);
            writer.WriteString("operation", operation);
            if (payloadJson is not null)
            {
                writer.WritePropertyName("payload");
                writer.WriteRawValue(payloadJson);
            }

            if (recipientKeyId is not null)
            {
                writer.WriteString("recipient_key_id", recipientKeyId);
            }

            writer.WriteEndObject();
        }

        var content = new ByteArrayContent(body.WrittenSpan.ToArray());
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }

    private static ProxyRateLimit? ReadRateLimit(JsonElement node)
    {
        if (node.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var member in node.EnumerateObject())
        {
            values[member.Name] = member.Value.ValueKind == JsonValueKind.String ? member.Value.GetString()! : member.Value.GetRawText();
        }

        return new ProxyRateLimit(values);
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, string? operatorKey, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (operatorKey is not null)
        {
            request.Headers.Add(OperatorKeyHeader, operatorKey);
        }
        else if (apiKey is not null)
        {
            request.Headers.Add(ApiKeyHeader, apiKey);
        }

        if (body is not null)
        {
            // HttpContent is sent as it is (a body whose exact bytes are hashed); anything else is written as JSON.
            request.Content = body as HttpContent ?? JsonContent.Create(body, options: JsonOptions);
        }

        using var response = await httpClient.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw await ToExceptionAsync(response, cancellationToken).ConfigureAwait(false);
        }

        var result = await response.Content.ReadFromJsonAsync<T>(JsonOptions, cancellationToken).ConfigureAwait(false);
        return result ?? throw new QuantaSealApiException("The server answered with an empty body.");
    }

    private static async Task<QuantaSealApiException> ToExceptionAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string? type = null, title = null, detail = null, field = null;
        try
        {
            using var doc = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), cancellationToken: cancellationToken).ConfigureAwait(false);
            var root = doc.RootElement;
            type = Get(root, "type");
            title = Get(root, "title");
            detail = Get(root, "detail");
            field = Get(root, "field");
        }
        catch (JsonException)
        {
            // Not a problem document: the status alone describes the failure.
        }

        return new QuantaSealApiException(response.StatusCode, type, title, detail, field) { RetryAfter = RetryAfterOf(response) };

        static string? Get(JsonElement root, string name) =>
            root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
    }

    /// <summary>The answer's <c>Retry-After</c> (seconds, or an HTTP date when the answer is dated), if any.</summary>
    private static TimeSpan? RetryAfterOf(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        // An HTTP date is read against the answer's own Date header, not this machine's clock.
        { Date: { } date } when response.Headers.Date is { } sent => date > sent ? date - sent : TimeSpan.Zero,
        _ => null,
    };

    private sealed record DataList<TItem>(IReadOnlyList<TItem> Data);
}
