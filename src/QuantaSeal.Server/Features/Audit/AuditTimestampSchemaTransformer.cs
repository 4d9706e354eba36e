using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using QuantaSeal.Crypto.Audit;

namespace QuantaSeal.Server.Features.Audit;

/// <summary>
/// Describes an audit timestamp written by <see cref="AuditTimestampJsonConverter"/> (on an event or a checkpoint) as
/// what it is on the wire, a date-time string: the schema generator drops the type of a property with its own converter.
/// </summary>
internal sealed class AuditTimestampSchemaTransformer : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(context);
        if (context.JsonPropertyInfo?.CustomConverter is AuditTimestampJsonConverter)
        {
            schema.Type = JsonSchemaType.String;
            schema.Format = "date-time";
        }

        return Task.CompletedTask;
    }
}
