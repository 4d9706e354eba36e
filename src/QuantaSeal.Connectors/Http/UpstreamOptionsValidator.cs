using Microsoft.Extensions.Options;

namespace QuantaSeal.Connectors.Http;

/// <summary>
/// Checks the <see cref="UpstreamOptions"/> ranges at start (source-generated from the attributes); the allowlist
/// patterns are checked by <see cref="UpstreamHostPolicy"/> when it is built.
/// </summary>
[OptionsValidator]
internal sealed partial class UpstreamOptionsValidator : IValidateOptions<UpstreamOptions>;
