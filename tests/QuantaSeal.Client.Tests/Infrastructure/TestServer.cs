extern alias server;

using QuantaSeal.Tests.Shared;

namespace QuantaSeal.Client.Tests.Infrastructure;

/// <summary>The shared test server (tests/Shared/QuantaSealTestServer.cs): in-memory storage unless <paramref name="settings"/> say otherwise.</summary>
internal sealed class TestServer(IReadOnlyDictionary<string, string?>? settings = null) : QuantaSealTestServer<server::Program>(settings);
