using Microsoft.Extensions.Options;

namespace QuantaSeal.Grains.Audit;

/// <summary>Checks the <see cref="AuditChainOptions"/> ranges at start (source-generated from the attributes).</summary>
[OptionsValidator]
internal sealed partial class AuditChainOptionsValidator : IValidateOptions<AuditChainOptions>;
