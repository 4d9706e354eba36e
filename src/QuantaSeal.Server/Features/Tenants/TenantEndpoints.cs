using Microsoft.AspNetCore.Http.HttpResults;
using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Abstractions.Tenants;
using QuantaSeal.Grains.Security;
using QuantaSeal.Grains.Tenants;
using QuantaSeal.Server.Audit;
using QuantaSeal.Server.Http;
using QuantaSeal.Server.Security;

namespace QuantaSeal.Server.Features.Tenants;

/// <summary>
/// Tenant endpoints: creation (operator) and the tenant's own keys and API keys. Every change is audited by the tenant
/// grain (tenant creation as the first events of the new tenant's chain, actor <c>operator</c>); reads return no secret
/// material and are audited only when refused.
/// </summary>
internal static class TenantEndpoints
{
    public static IEndpointRouteBuilder MapTenantEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v2/tenants", CreateTenantAsync)
            .WithName("CreateTenant")
            .WithSummary("Create a tenant (operator key). Returns the first admin API key and the HMAC key once.")
            .WithTags("Tenants")
            .Accepts<CreateTenantRequest>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        app.MapPost("/api/v2/tenants/{tenantId}/recovery-admin-key", RecoverAdminKeyAsync)
            .WithName("RecoverAdminKey")
            .WithSummary("Operator lock-out recovery: issue a new admin API key to a tenant (shown once; audited in the tenant's chain).")
            .WithTags("Tenants")
            .Accepts<RecoverAdminKeyRequest>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound);

        var tenant = app.MapTenantGroup("/api/v2/tenant", "Tenant", ScopePolicies.Authenticated);
        tenant.MapGet("/", GetTenantAsync).WithName("GetTenant").WithSummary("The calling key's tenant.")
            .WithAuditAction(AuditActions.TenantRead);
        tenant.MapGet("/keys", GetKeysAsync)
            .WithAuditAction(AuditActions.TenantRead)
            .WithName("GetTenantKeys")
            .WithSummary("Signing public keys (current and retired, by key_id) and registered recipient keys.");

        // The same prefix: only the policy is added.
        var admin = tenant.MapGroup(string.Empty).RequireAuthorization(ScopePolicies.Admin);
        admin.MapPost("/recipient-keys/challenges", CreateRecipientKeyChallengeAsync)
            .WithAuditAction(AuditActions.RecipientKeyRegister)
            .WithName("CreateRecipientKeyChallenge")
            .WithSummary("Step 1 of registering a recipient key: the server encapsulates a secret to it (proof of possession).")
            .Accepts<RecipientKeyChallengeRequest>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        admin.MapPut("/recipient-keys/default", SetDefaultRecipientKeyAsync)
            .WithAuditAction(AuditActions.RecipientKeyDefault)
            .WithName("SetDefaultRecipientKey")
            .WithSummary("Choose the recipient key envelopes are sealed to when a call names no recipient_key_id.")
            .Accepts<DefaultRecipientKeyRequest>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapPost("/recipient-keys", RegisterRecipientKeyAsync)
            .WithAuditAction(AuditActions.RecipientKeyRegister)
            .WithName("RegisterRecipientKey")
            .WithSummary("Step 2: register a client ML-KEM-768 public key (1184 bytes, standard base64) with the proof for its challenge.")
            .Accepts<RegisterRecipientKeyRequest>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        admin.MapDelete("/recipient-keys/{recipientKeyId}", RevokeRecipientKeyAsync)
            .WithAuditAction(new AuditActionMetadata(AuditActions.RecipientKeyRevoke, "recipientKeyId", Ids.RecipientKey))
            .WithName("RevokeRecipientKey")
            .ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapPost("/signing-keys/rotate", RotateSigningKeyAsync)
            .WithAuditAction(AuditActions.SigningKeyRotate)
            .WithName("RotateSigningKey")
            .WithSummary("Rotate the ML-DSA-65 signing key (the old public key stays listed); optionally the HMAC key.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        admin.MapPost("/api-keys", CreateApiKeyAsync)
            .WithAuditAction(AuditActions.ApiKeyCreate)
            .WithName("CreateApiKey")
            .WithSummary("Create a scoped API key (admin, proxy, audit:read). The key is shown once.")
            .Accepts<CreateApiKeyRequest>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        admin.MapGet("/api-keys", ListApiKeysAsync)
            .WithAuditAction(AuditActions.ApiKeyRead)
            .WithName("ListApiKeys");
        admin.MapDelete("/api-keys/{apiKeyId}", RevokeApiKeyAsync)
            .WithAuditAction(new AuditActionMetadata(AuditActions.ApiKeyRevoke, "apiKeyId", ApiKeyFormat.IdPrefix))
            .WithName("RevokeApiKey")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Results<Created<TenantCreatedResponse>, ProblemHttpResult>> CreateTenantAsync(HttpContext http, OperatorKeyVerifier operatorKey, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (operatorKey.Refuse(http) is { } refusal)
        {
            return refusal;
        }

        var (body, problem) = await JsonBody.ReadAsync<CreateTenantRequest>(http.Request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var name = TenantValidation.RequireName(body!.Name, "name");
        var environment = TenantValidation.RequireEnvironment(body.ApiKeyEnvironment ?? "live", "api_key_environment");
        var tenantId = Ids.New(Ids.Tenant);
        TenantCallContext.SetOperator();
        // The grain records tenant.create (intent, then outcome; actor operator) before the keys are handed out. A
        // refused creation (bad operator key, invalid body) has no tenant yet and no chain to record it in.
        var created = await grains.GetGrain<ITenantGrain>(tenantId).CreateAsync(new CreateTenantCommand(name, environment), cancellationToken);
        NoStore(http);
        return TypedResults.Created($"/api/v2/tenant", new TenantCreatedResponse(
            created.Tenant.TenantId,
            created.Tenant.Name,
            created.Tenant.CreatedAt,
            created.AdminKey.Key,
            created.AdminKey.Info.ApiKeyId,
            created.AdminKey.Info.Scopes,
            created.HmacKey,
            created.SigningKey));
    }

    private static async Task<Results<Ok<TenantInfo>, ProblemHttpResult>> GetTenantAsync(HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var info = await Tenant(http, grains).GetInfoAsync(cancellationToken);
        return info is null ? Problems.NotFound("tenant") : TypedResults.Ok(info);
    }

    private static async Task<Ok<TenantPublicKeys>> GetKeysAsync(HttpContext http, IGrainFactory grains, CancellationToken cancellationToken) =>
        TypedResults.Ok(await Tenant(http, grains).GetPublicKeysAsync(cancellationToken));

    private static async Task<Results<Created<RecipientKeyInfo>, ProblemHttpResult>> RegisterRecipientKeyAsync(HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadAsync<RegisterRecipientKeyRequest>(http.Request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var publicKey = TenantValidation.RequireMlKemPublicKey(body!.PublicKey, "public_key");
        var label = TenantValidation.OptionalLabel(body.Label, "label");
        var key = await Tenant(http, grains).RegisterRecipientKeyAsync(new RegisterRecipientKeyCommand(publicKey, label, body.ChallengeId, body.Proof), cancellationToken);
        return TypedResults.Created($"/api/v2/tenant/recipient-keys/{key.RecipientKeyId}", key);
    }

    private static async Task<Results<Created<RecipientKeyChallenge>, ProblemHttpResult>> CreateRecipientKeyChallengeAsync(HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadAsync<RecipientKeyChallengeRequest>(http.Request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var publicKey = TenantValidation.RequireMlKemPublicKey(body!.PublicKey, "public_key");
        var challenge = await Tenant(http, grains).CreateRecipientKeyChallengeAsync(publicKey, cancellationToken);
        NoStore(http);
        return TypedResults.Created("/api/v2/tenant/recipient-keys", challenge);
    }

    private static async Task<Results<Ok<RecipientKeyInfo>, ProblemHttpResult>> SetDefaultRecipientKeyAsync(HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadAsync<DefaultRecipientKeyRequest>(http.Request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (!Ids.IsValid(body!.RecipientKeyId, Ids.RecipientKey))
        {
            return Problems.Validation("recipient_key_id", "'recipient_key_id' must be the rk_ id of one of the tenant's active recipient keys.");
        }

        // An unknown key is refused (and recorded) by the grain; the exception handler answers 404.
        var key = await Tenant(http, grains).SetDefaultRecipientKeyAsync(body.RecipientKeyId!, cancellationToken);
        return TypedResults.Ok(key);
    }

    private static async Task<Results<Created<ApiKeyCreatedResponse>, ProblemHttpResult>> RecoverAdminKeyAsync(string tenantId, HttpContext http, OperatorKeyVerifier operatorKey, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (operatorKey.Refuse(http) is { } refusal)
        {
            return refusal;
        }

        var (body, problem) = await JsonBody.ReadAsync<RecoverAdminKeyRequest>(http.Request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (!Ids.IsValid(tenantId, Ids.Tenant))
        {
            return Problems.NotFound("tenant");
        }

        // The grain checks the name and environment: it records api_key.recover in the tenant's chain (actor operator),
        // a refused request as one denied event, an accepted one before the key exists.
        TenantCallContext.SetOperator();
        var command = new CreateApiKeyCommand(body!.Name ?? "recovered-admin", [ApiKeyScopes.Admin], body.Environment ?? "live");
        return CreatedKey(http, await grains.GetGrain<ITenantGrain>(tenantId).RecoverAdminKeyAsync(command, cancellationToken));
    }

    private static async Task<Results<Ok<RecipientKeyInfo>, ProblemHttpResult>> RevokeRecipientKeyAsync(string recipientKeyId, HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (!Ids.IsValid(recipientKeyId, Ids.RecipientKey))
        {
            return Problems.NotFound("recipient key");
        }

        var key = await Tenant(http, grains).RevokeRecipientKeyAsync(recipientKeyId, cancellationToken);
        return TypedResults.Ok(key);
    }

    private static async Task<Results<Ok<SigningKeyRotatedResponse>, ProblemHttpResult>> RotateSigningKeyAsync(HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var rotateHmac = false;
        if (http.Request.ContentLength is not 0 && (http.Request.ContentLength is > 0 || http.Request.HasJsonContentType()))
        {
            var (body, problem) = await JsonBody.ReadAsync<RotateSigningKeyRequest>(http.Request, cancellationToken);
            if (problem is not null)
            {
                return problem;
            }

            rotateHmac = body!.RotateHmacKey ?? false;
        }

        var rotated = await Tenant(http, grains).RotateSigningKeyAsync(new RotateSigningKeyCommand(rotateHmac), cancellationToken);
        NoStore(http);
        return TypedResults.Ok(new SigningKeyRotatedResponse(rotated.NewKey, rotated.RetiredKey, rotated.NewHmacKey));
    }

    private static async Task<Results<Created<ApiKeyCreatedResponse>, ProblemHttpResult>> CreateApiKeyAsync(HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadAsync<CreateApiKeyRequest>(http.Request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var name = TenantValidation.RequireName(body!.Name, "name");
        var scopes = TenantValidation.RequireScopes(body.Scopes, "scopes");
        var environment = TenantValidation.RequireEnvironment(body.Environment ?? "live", "environment");
        return CreatedKey(http, await Tenant(http, grains).CreateApiKeyAsync(new CreateApiKeyCommand(name, scopes, environment), cancellationToken));
    }

    private static async Task<Ok<ListResponse<ApiKeyInfo>>> ListApiKeysAsync(HttpContext http, IGrainFactory grains, CancellationToken cancellationToken) =>
        TypedResults.Ok(new ListResponse<ApiKeyInfo>(await Tenant(http, grains).ListApiKeysAsync(cancellationToken)));

    private static async Task<Results<Ok<ApiKeyInfo>, ProblemHttpResult>> RevokeApiKeyAsync(string apiKeyId, HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (!Ids.IsValid(apiKeyId, ApiKeyFormat.IdPrefix))
        {
            return Problems.NotFound("API key");
        }

        var key = await Tenant(http, grains).RevokeApiKeyAsync(apiKeyId, cancellationToken);
        return TypedResults.Ok(key);
    }

    private static ITenantGrain Tenant(HttpContext http, IGrainFactory grains) =>
        grains.GetGrain<ITenantGrain>(CallerContext.From(http.User).TenantId);

    private static void NoStore(HttpContext http) => http.Response.Headers.CacheControl = "no-store";

    /// <summary>201 with the new key, shown this once (never stored by a cache).</summary>
    private static Created<ApiKeyCreatedResponse> CreatedKey(HttpContext http, ApiKeyCreated created)
    {
        NoStore(http);
        var info = created.Info;
        return TypedResults.Created(
            $"/api/v2/tenant/api-keys/{info.ApiKeyId}",
            new ApiKeyCreatedResponse(info.ApiKeyId, created.Key, info.Name, info.Scopes, info.Environment, info.CreatedAt));
    }
}
