using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.HttpResults;

namespace QuantaSeal.Server.Http;

/// <summary>
/// Reads a JSON request body strictly (unknown members, wrong types and trailing garbage are rejected) and turns
/// every failure into a 400/413/415 problem that names the field, without echoing any value from the body.
/// </summary>
internal static class JsonBody
{
    public static async Task<(T? Value, ProblemHttpResult? Problem)> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            return (null, TypedResults.Problem(Problems.Create(
                StatusCodes.Status415UnsupportedMediaType,
                ProblemTypes.UnsupportedMediaType,
                "The request body must be application/json.")));
        }

        var options = request.HttpContext.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        try
        {
            // Buffered (the body is already bounded by the server's request size limit) so that every string in it
            // can be checked for valid Unicode before any of it is used (see JsonTextCheck). The buffer may hold
            // credential values, so every copy of it is wiped (ReadWipedAsync); JsonElement members own a copy.
            var (bytes, length) = await ReadWipedAsync(request.Body, request.ContentLength, System.Buffers.ArrayPool<byte>.Shared, cancellationToken);
            try
            {
                var buffer = bytes.AsMemory(0, length);
                if (JsonTextCheck.FindInvalidString(buffer.Span) is { } badField)
                {
                    return (null, Problems.Validation(badField, $"'{badField}' must be valid Unicode text (UTF-8, no unpaired surrogates)."));
                }

                var contract = (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));
                if (CheckMembers(buffer.Span, contract) is { } memberProblem)
                {
                    return (null, memberProblem);
                }

                var value = JsonSerializer.Deserialize(buffer.Span, contract);
                return value is null
                    ? (null, Problems.MalformedJson(null, "The request body must be a JSON object."))
                    : (value, null);
            }
            finally
            {
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(bytes.AsSpan(0, length));
                System.Buffers.ArrayPool<byte>.Shared.Return(bytes);
            }
        }
        catch (JsonException ex)
        {
            return (null, FromJsonException(ex));
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge());
        }
    }

    /// <summary>
    /// Reads <paramref name="body"/> to its end into a buffer rented from <paramref name="pool"/> (the caller wipes and
    /// returns it). A buffer outgrown on the way is wiped before it goes back to the pool, so no copy of a credential
    /// is left behind in memory, whether or not the length was announced (chunked bodies).
    /// </summary>
    internal static async Task<(byte[] Buffer, int Length)> ReadWipedAsync(Stream body, long? announcedLength, System.Buffers.ArrayPool<byte> pool, CancellationToken cancellationToken)
    {
        var buffer = pool.Rent(announcedLength is > 0 and <= 1024 * 1024 ? (int)announcedLength.Value + 1 : 4096);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = pool.Rent(checked(buffer.Length * 2));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    System.Security.Cryptography.CryptographicOperations.ZeroMemory(buffer.AsSpan(0, length));
                    pool.Return(buffer);
                    buffer = larger;
                }

                var read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (read == 0)
                {
                    return (buffer, length);
                }

                length += read;
            }
        }
        catch
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(buffer.AsSpan(0, length));
            pool.Return(buffer);
            throw;
        }
    }

    public static ProblemHttpResult TooLarge() =>
        TypedResults.Problem(Problems.Create(
            StatusCodes.Status413PayloadTooLarge,
            ProblemTypes.PayloadTooLarge,
            "The request body is too large."));

    /// <summary>
    /// Names an unknown or missing member from the target type's JSON contract rather than from the deserializer's
    /// exception message (whose wording is not an API). Only the top-level members are compared: the request records
    /// are flat, and a deeper mismatch still fails deserialization with a JSON path that names the field.
    /// </summary>
    internal static ProblemHttpResult? CheckMembers(ReadOnlySpan<byte> json, JsonTypeInfo contract)
    {
        if (contract.Kind != JsonTypeInfoKind.Object)
        {
            return null;
        }

        var comparer = contract.Options.PropertyNameCaseInsensitive ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;
        var disallowUnknown = (contract.UnmappedMemberHandling ?? contract.Options.UnmappedMemberHandling) == JsonUnmappedMemberHandling.Disallow;
        var seen = new HashSet<string>(comparer);
        var reader = new Utf8JsonReader(json);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                if (disallowUnknown && !contract.Properties.Any(p => comparer.Equals(p.Name, name)))
                {
                    var field = JsonTextCheck.SafeName(name);
                    return Problems.MalformedJson(field, $"Unknown field '{field}'.");
                }

                seen.Add(name);
                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // Not well-formed: the deserializer reports it with its path.
            return null;
        }

        var missing = string.Join(", ", contract.Properties.Where(p => p.IsRequired && !seen.Contains(p.Name)).Select(p => p.Name));
        return missing.Length == 0 ? null : Problems.MalformedJson(missing, $"Missing required field(s): {missing}.");
    }

    private static ProblemHttpResult FromJsonException(JsonException ex)
    {
        // System.Text.Json's messages include .NET type names; only the JSON path is passed on.
        var field = FieldFromPath(ex.Path);
        return field is null
            ? Problems.MalformedJson(null, "The request body is not well-formed JSON.")
            : Problems.MalformedJson(field, $"Field '{field}' is malformed or has the wrong type.");
    }

    internal static string? FieldFromPath(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return null;
        }

        var field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        return field.Length > 128 ? field[..128] : field;
    }

}
