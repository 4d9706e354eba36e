using QuantaSeal.Connectors.Credentials;

namespace QuantaSeal.Grains.Integrations;

/// <summary>An opened credential and the version it was sealed at (a rotation raises the version).</summary>
/// <param name="Credential">The credential values; never logged (<see cref="UpstreamCredential"/> redacts itself).</param>
/// <param name="Version">The sealed credential's version.</param>
internal sealed record VersionedCredential(UpstreamCredential Credential, int Version);
