using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Abstractions.Envelopes;
using QuantaSeal.Abstractions.Tenants;
using QuantaSeal.Abstractions.Vault;
using QuantaSeal.Grains.Tenants;
using QuantaSeal.Grains.Vault;
using QuantaSeal.Server.Audit;
using QuantaSeal.Server.Features.Tenants;
using QuantaSeal.Server.Http;
using QuantaSeal.Server.Security;

namespace QuantaSeal.Server.Features.Vault;

/// <summary>
/// The vault (DESIGN §5). Values are validated and sealed here, at the front door, to the tenant's vault public key:
/// plaintext credentials never travel in a grain call. No endpoint returns a value except the admin unseal, and that
/// only inside an envelope to the tenant's recipient key. The credential grain records every change's audit events
/// (and the unseal's, before the values leave); the endpoint filter records refusals made here.
/// </summary>
internal static class VaultEndpoints
{
    private const string CredentialPrefix = Ids.Credential;

    public static IEndpointRouteBuilder MapVaultEndpoints(this IEndpointRouteBuilder app)
    {
        var vault = app.MapTenantGroup("/api/v2/vault", "Vault", ScopePolicies.Admin);
        vault.MapGet("/credential-types", () => TypedResults.Ok(new ListResponse<CredentialTypeSpec>(CredentialTypes.All)))
            .WithAuditAction(AuditActions.VaultRead).WithName("ListCredentialTypes").WithSummary("Credential types and their fields.");
        vault.MapPost("/seal", SealAsync).WithAuditAction(AuditActions.VaultSeal).WithName("SealCredential")
            .WithSummary("Seal credentials (ML-KEM-768 + AES-256-GCM to the tenant's vault key). Values are never returned.")
            .Accepts<SealCredentialRequest>("application/json").ProducesProblem(StatusCodes.Status400BadRequest);
        vault.MapGet("/credentials", ListAsync).WithAuditAction(AuditActions.VaultRead).WithName("ListCredentials");
        vault.MapGet("/credentials/{credentialId}", GetAsync).WithAuditAction(Target(AuditActions.VaultRead)).WithName("GetCredential").ProducesProblem(StatusCodes.Status404NotFound);
        vault.MapPut("/credentials/{credentialId}", RotateAsync).WithAuditAction(Target(AuditActions.VaultRotate)).WithName("RotateCredential")
            .WithSummary("Replace the values; integrations using the credential drop their cached token.")
            .Accepts<RotateCredentialRequest>("application/json").ProducesProblem(StatusCodes.Status404NotFound);
        vault.MapDelete("/credentials/{credentialId}", DeleteAsync).WithAuditAction(Target(AuditActions.VaultDelete)).WithName("DeleteCredential")
            .WithSummary("Delete; refused with 409 while an integration uses the credential.").ProducesProblem(StatusCodes.Status409Conflict);
        vault.MapPost("/credentials/{credentialId}/unseal", UnsealAsync).WithAuditAction(Target(AuditActions.VaultUnseal)).WithName("UnsealCredential")
            .WithSummary("Admin only: the values, sealed into a HybridCryptoEnvelope to a recipient key.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json").ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    /// <summary>A credential endpoint's audit action; its target is the <c>credentialId</c> route value.</summary>
    private static AuditActionMetadata Target(string action) => new(action, "credentialId", CredentialPrefix);

    private static async Task<Results<Created<CredentialInfo>, ProblemHttpResult>> SealAsync(HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadAsync<SealCredentialRequest>(http.Request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var canonical = CredentialTypes.Canonicalize(body!.CredentialType, body.Values);
        try
        {
            var name = TenantValidation.OptionalLabel(body.Name, "name");
            var tenantId = CallerContext.From(http.User).TenantId;
            var credentialId = Ids.New(CredentialPrefix);
            var vaultKey = await grains.GetGrain<ITenantGrain>(tenantId).GetVaultPublicKeyAsync(cancellationToken);
            var sealedCredential = CredentialSealing.Seal(vaultKey, tenantId, credentialId, body.CredentialType!, 1, canonical);
            var info = await grains.GetGrain<ICredentialGrain>(credentialId).CreateAsync(new CreateCredentialCommand(body.CredentialType!, sealedCredential, name), cancellationToken);
            return TypedResults.Created($"/api/v2/vault/credentials/{credentialId}", info);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(canonical);
        }
    }

    private static async Task<Ok<ListResponse<CredentialInfo>>> ListAsync(HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var tenantId = CallerContext.From(http.User).TenantId;
        var ids = await grains.GetGrain<ITenantDirectoryGrain>(tenantId).ListAsync(CredentialPrefix, cancellationToken);
        var infos = await Task.WhenAll(ids.Select(id => grains.GetGrain<ICredentialGrain>(id).GetAsync(cancellationToken)));
        return TypedResults.Ok(new ListResponse<CredentialInfo>([.. infos.OfType<CredentialInfo>()]));
    }

    private static async Task<Results<Ok<CredentialInfo>, ProblemHttpResult>> GetAsync(string credentialId, HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var info = Ids.IsValid(credentialId, CredentialPrefix) ? await grains.GetGrain<ICredentialGrain>(credentialId).GetAsync(cancellationToken) : null;
        return info is null ? Problems.NotFound("credential") : TypedResults.Ok(info);
    }

    private static async Task<Results<Ok<CredentialInfo>, ProblemHttpResult>> RotateAsync(string credentialId, HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var info = Ids.IsValid(credentialId, CredentialPrefix) ? await grains.GetGrain<ICredentialGrain>(credentialId).GetAsync(cancellationToken) : null;
        if (info is null)
        {
            return Problems.NotFound("credential");
        }

        var (body, problem) = await JsonBody.ReadAsync<RotateCredentialRequest>(http.Request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var canonical = CredentialTypes.Canonicalize(info.CredentialType, body!.Values);
        try
        {
            var tenantId = CallerContext.From(http.User).TenantId;
            var vaultKey = await grains.GetGrain<ITenantGrain>(tenantId).GetVaultPublicKeyAsync(cancellationToken);
            var sealedCredential = CredentialSealing.Seal(vaultKey, tenantId, credentialId, info.CredentialType, info.Version + 1, canonical);
            var rotated = await grains.GetGrain<ICredentialGrain>(credentialId).RotateAsync(new RotateCredentialCommand(sealedCredential), cancellationToken);
            return TypedResults.Ok(rotated);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(canonical);
        }
    }

    private static async Task<Results<Ok<CredentialInfo>, ProblemHttpResult>> DeleteAsync(string credentialId, HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (!Ids.IsValid(credentialId, CredentialPrefix))
        {
            return Problems.NotFound("credential");
        }

        // An unknown credential and one in use are refused (and recorded) by the grain; the exception handler answers.
        return TypedResults.Ok(await grains.GetGrain<ICredentialGrain>(credentialId).DeleteAsync(cancellationToken));
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult, Refusal>> UnsealAsync(string credentialId, HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var info = Ids.IsValid(credentialId, CredentialPrefix) ? await grains.GetGrain<ICredentialGrain>(credentialId).GetAsync(cancellationToken) : null;
        if (info is null)
        {
            return Problems.NotFound("credential");
        }

        string? recipientKeyId = null;
        // A body may come with Content-Length or chunked (no Content-Length at all): both can name the recipient key,
        // and ignoring a chunked one would seal the values to the default key instead of the one the caller chose.
        if (http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? http.Request.ContentLength is > 0)
        {
            var (body, problem) = await JsonBody.ReadAsync<UnsealCredentialRequest>(http.Request, cancellationToken);
            if (problem is not null)
            {
                return problem;
            }

            recipientKeyId = body!.RecipientKeyId;
        }

        // The grain records the one vault.unseal event before the values are unsealed and leave (the envelope is bound
        // to it), or refuses with one denied event when there is nothing to seal to.
        try
        {
            var envelope = await grains.GetGrain<ICredentialGrain>(credentialId).UnsealAsync(recipientKeyId, cancellationToken);
            http.Response.Headers.CacheControl = "no-store";
            return TypedResults.Text(envelope.Json, "application/json");
        }
        catch (NoRecipientKeyException ex)
        {
            return Refusal.Recorded(NoRecipientKey(), ex.AuditEventId);
        }
    }

    private static ProblemHttpResult NoRecipientKey() => Problems.NoRecipientKey("Register a recipient key first.");
}
