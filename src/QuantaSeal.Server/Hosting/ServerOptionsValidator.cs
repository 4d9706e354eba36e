using Microsoft.Extensions.Options;

namespace QuantaSeal.Server.Hosting;

/// <summary>
/// The <see cref="ServerOptions"/> attributes, checked by a source-generated validator; <see cref="ServerOptions.Validate"/>
/// runs it before the host is built, because the options decide what the host is.
/// </summary>
[OptionsValidator]
internal sealed partial class ServerOptionsValidator : IValidateOptions<ServerOptions>;
