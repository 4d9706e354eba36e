using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Npgsql;
using QuantaSeal.Grains.Hosting;
using QuantaSeal.Server.Hosting;
using QuantaSeal.Server.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace QuantaSeal.Server.Tests.Deployment;

/// <summary>
/// Keeps deploy/container, deploy/compose and deploy/k8s true to the server: every server container's flags and
/// variables must be ones the server reads, bind to options its own validation accepts, keep secrets out of the
/// files, and the probes must answer on a running server. Nothing here runs Docker or Kubernetes.
/// </summary>
public sealed partial class DeploymentFilesTests(MemoryServerFixture fixture) : IClassFixture<MemoryServerFixture>
{
    private const string PodIpPlaceholder = "10.1.2.3";
    private const string SecretPlaceholder = "from-a-secret";

    private static readonly Lazy<IReadOnlyList<ServerContainer>> AllContainers = new(LoadContainers);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> ContainerNames => [.. AllContainers.Value.Select(c => c.Name)];

    [Fact]
    public void DeploymentFiles_DescribeEveryRole()
    {
        var names = AllContainers.Value.Select(c => c.Name).ToArray();

        Assert.Equal(
            ["compose:frontdoor", "compose:quantaseal", "compose:silo-1", "compose:silo-2", "k8s:quantaseal-frontdoor/frontdoor", "k8s:quantaseal-silo/silo"],
            names.Order(StringComparer.Ordinal));
        Assert.Equal(["all", "frontdoor", "silo"], AllContainers.Value.Select(c => Bind(c).Role).Distinct().Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(ContainerNames))]
    public void ServerContainer_UsesOnlyFlagsAndVariablesTheServerReads(string name)
    {
        var container = AllContainers.Value.Single(c => c.Name == name);

        for (var i = 0; i < container.Args.Count; i += 2)
        {
            var flag = container.Args[i];
            Assert.True(IsKnownFlag(flag), $"{name}: '{flag}' is not a server flag (ServerOptions.SwitchMappings, --urls, --upstream-allow).");
            Assert.True(i + 1 < container.Args.Count && !container.Args[i + 1].StartsWith("--", StringComparison.Ordinal), $"{name}: '{flag}' has no value.");
        }

        foreach (var variable in container.Environment.Keys.Concat(ImageEnvironment.Keys))
        {
            Assert.True(IsKnownVariable(variable), $"{name}: the server reads no variable '{variable}'.");
        }
    }

    [Theory]
    [MemberData(nameof(ContainerNames))]
    public void ServerContainer_OptionsPassTheServersValidation(string name)
    {
        var container = AllContainers.Value.Single(c => c.Name == name);

        var options = Bind(container);

        Assert.Empty(options.Validate());
        var annotationErrors = new List<ValidationResult>();
        Assert.True(Validator.TryValidateObject(options, new ValidationContext(options), annotationErrors, validateAllProperties: true), string.Join("; ", annotationErrors));
        Assert.Equal("postgres", options.Storage);
        Assert.False(options.IsAuditInMemory, $"{name}: audit events must stay durable in a deployment.");
        // A PostgreSQL node refuses to start without cluster TLS (DESIGN §10); the k8s manifests once lacked it.
        Assert.True(container.Args.Contains("--cluster-cert-dir") || container.Args.Contains("--cluster-cert"), $"{name}: a PostgreSQL node needs cluster TLS (--cluster-cert-dir or --cluster-cert/--cluster-key/--cluster-ca).");
        Assert.DoesNotContain("--cluster-insecure-dev", container.Args);
        if (options.RunsSilo)
        {
            // Program passes it to IPAddress.Parse; loopback would keep the other silos and the front doors out.
            Assert.True(IPAddress.TryParse(options.AdvertisedIp, out var advertised), $"{name}: advertised IP '{options.AdvertisedIp}' is not an address.");
            Assert.False(IPAddress.IsLoopback(advertised), $"{name}: a silo in a container must advertise an address other containers reach.");
        }

        if (container.DeclaredPorts is { } ports)
        {
            Assert.Contains(8080, ports);
            if (options.RunsSilo)
            {
                Assert.Contains(options.SiloPort, ports);
                Assert.Contains(options.GatewayPort, ports);
            }
        }
    }

    [Theory]
    [MemberData(nameof(ContainerNames))]
    public void ServerContainer_KeepsSecretsOutOfTheFiles(string name)
    {
        var container = AllContainers.Value.Single(c => c.Name == name);

        Assert.False(container.LiteralVariables.Contains(QuantaSealSiloOptions.MasterKeyEnvironmentVariable), $"{name}: the master key must come from a secret.");
        if (container.LiteralVariables.Contains("QuantaSeal__ConnectionString"))
        {
            var builder = new NpgsqlConnectionStringBuilder(container.Environment["QuantaSeal__ConnectionString"]);
            Assert.Null(builder.Password);
            Assert.False(string.IsNullOrEmpty(builder.Passfile), $"{name}: a literal connection string must take its password from a Passfile.");
        }

        var options = Bind(container);
        if (options.RunsSilo && !container.Environment.ContainsKey(QuantaSealSiloOptions.MasterKeyEnvironmentVariable))
        {
            Assert.StartsWith("/run/secrets/", options.MasterKeyFile, StringComparison.Ordinal);
        }

        if (options.RunsFrontDoor)
        {
            Assert.Matches("^/(var/)?run/secrets/", options.OperatorKeyFile);
        }
    }

    [Fact]
    public async Task ProbePaths_AnswerOnTheServer()
    {
        var paths = AllContainers.Value.SelectMany(c => c.ProbePaths).Distinct(StringComparer.Ordinal).ToArray();
        using var http = fixture.Server.Http();

        Assert.Equal(["/healthz", "/readyz"], paths.Order(StringComparer.Ordinal));
        foreach (var path in paths)
        {
            using var response = await http.GetAsync(path, Ct);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode}");
        }
    }

    [Fact]
    public void Dockerfile_ExposesTheServersPorts()
    {
        var expose = DockerfileLines().Single(l => l.StartsWith("EXPOSE ", StringComparison.Ordinal));
        var ports = expose["EXPOSE ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => int.Parse(p, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var defaults = new ServerOptions();

        Assert.Equal([int.Parse(ImageEnvironment["ASPNETCORE_HTTP_PORTS"], System.Globalization.CultureInfo.InvariantCulture), defaults.ManagementPort, defaults.SiloPort, defaults.GatewayPort], ports);
        Assert.Contains(DockerfileLines(), l => l == "USER $APP_UID");
    }

    private static bool IsKnownFlag(string flag) =>
        ServerOptions.SwitchMappings.ContainsKey(flag) || QuantaSeal.Server.Hosting.Cluster.ClusterNodeOptions.SwitchMappings.ContainsKey(flag)
        || flag is "--urls" || flag == UpstreamAllowList.Switch;

    private static bool IsKnownVariable(string name)
    {
        if (name == QuantaSealSiloOptions.MasterKeyEnvironmentVariable
            || name.StartsWith("ASPNETCORE_", StringComparison.Ordinal)
            || name.StartsWith("DOTNET_", StringComparison.Ordinal))
        {
            return true;
        }

        var prefix = ServerOptions.SectionName + "__";
        if (!name.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        // Configuration keys are case-insensitive; UpstreamAllow and Upstream are read outside ServerOptions.
        var key = name[prefix.Length..].Split("__")[0];
        return key is "UpstreamAllow" or "Upstream" or "Cluster"
            || typeof(ServerOptions).GetProperty(key, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase) is { CanWrite: true };
    }

    /// <summary>Binds the options the way Program does: image and container environment, then the command line.</summary>
    private static ServerOptions Bind(ServerContainer container)
    {
        var environment = ImageEnvironment.Concat(container.Environment)
            .GroupBy(e => e.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key.Replace("__", ":", StringComparison.Ordinal), g => (string?)g.Last().Value, StringComparer.OrdinalIgnoreCase);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(environment)
            .AddCommandLine([.. container.Args], ServerOptions.SwitchMappings)
            .Build();
        return configuration.GetSection(ServerOptions.SectionName).Get<ServerOptions>() ?? new ServerOptions();
    }

    private static string RepositoryRoot([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", ".."));

    private static string[] DockerfileLines() =>
        File.ReadAllLines(Path.Combine(RepositoryRoot(), "deploy", "container", "Dockerfile"));

    private static Dictionary<string, string> ImageEnvironment =>
        DockerfileLines()
            .Where(l => l.StartsWith("ENV ", StringComparison.Ordinal) && l.Contains('=', StringComparison.Ordinal) && !l.EndsWith('\\'))
            .Select(l => l["ENV ".Length..].Split('=', 2))
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);

    private static List<ServerContainer> LoadContainers()
    {
        var root = RepositoryRoot();
        var containers = new List<ServerContainer>();
        containers.AddRange(LoadCompose(Path.Combine(root, "deploy", "compose")));
        foreach (var file in Directory.GetFiles(Path.Combine(root, "deploy", "k8s"), "*.yaml").Order(StringComparer.Ordinal))
        {
            containers.AddRange(LoadKubernetes(file));
        }

        return containers;
    }

    private static IEnumerable<ServerContainer> LoadCompose(string folder)
    {
        var settings = File.ReadAllLines(Path.Combine(folder, ".env.example"))
            .Where(l => l.Length > 0 && l[0] != '#' && l.Contains('=', StringComparison.Ordinal))
            .Select(l => l.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        string Interpolate(string text) =>
            ComposeVariable().Replace(text, m => settings.TryGetValue(m.Groups["name"].Value, out var v) ? v : m.Groups["default"].Value);

        var compose = (YamlMappingNode)LoadYaml(Path.Combine(folder, "compose.yaml")).Single();
        foreach (var (key, node) in Map(compose, "services")!.Children)
        {
            var service = Merged((YamlMappingNode)node);
            if (Map(service, "build") is not { } build || Scalar(build, "dockerfile") != "deploy/container/Dockerfile")
            {
                continue;
            }

            var environment = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (name, value) in Map(service, "environment")?.Children ?? Enumerable.Empty<KeyValuePair<YamlNode, YamlNode>>())
            {
                environment[((YamlScalarNode)name).Value!] = Interpolate(((YamlScalarNode)value).Value ?? string.Empty);
            }

            var args = Seq(service, "command").Select(a => Interpolate(((YamlScalarNode)a).Value!)).ToList();
            yield return new ServerContainer($"compose:{((YamlScalarNode)key).Value}", args, environment, [.. environment.Keys], null, []);
        }
    }

    private static IEnumerable<ServerContainer> LoadKubernetes(string file)
    {
        foreach (var document in LoadYaml(file).OfType<YamlMappingNode>())
        {
            var podSpec = Map(Map(Map(document, "spec"), "template"), "spec");
            foreach (var container in Seq(podSpec, "containers").Cast<YamlMappingNode>())
            {
                if (Scalar(container, "image")?.StartsWith("quantaseal/server", StringComparison.Ordinal) != true)
                {
                    continue;
                }

                var environment = new Dictionary<string, string>(StringComparer.Ordinal);
                var literal = new List<string>();
                foreach (var variable in Seq(container, "env").Cast<YamlMappingNode>())
                {
                    var name = Scalar(variable, "name")!;
                    if (Scalar(variable, "value") is { } value)
                    {
                        environment[name] = value;
                        literal.Add(name);
                    }
                    else if (Map(Map(variable, "valueFrom"), "fieldRef") is { } fieldRef)
                    {
                        Assert.Equal("status.podIP", Scalar(fieldRef, "fieldPath"));
                        environment[name] = PodIpPlaceholder;
                    }
                    else
                    {
                        Assert.NotNull(Map(Map(variable, "valueFrom"), "secretKeyRef"));
                        environment[name] = SecretPlaceholder;
                    }
                }

                var ports = Seq(container, "ports").Cast<YamlMappingNode>().Select(p => int.Parse(Scalar(p, "containerPort")!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
                var probes = new[] { "startupProbe", "livenessProbe", "readinessProbe" }
                    .Select(p => Scalar(Map(Map(container, p), "httpGet"), "path"))
                    .OfType<string>()
                    .ToList();
                var deployment = Scalar(Map(document, "metadata"), "name");
                yield return new ServerContainer(
                    $"k8s:{deployment}/{Scalar(container, "name")}",
                    [.. Seq(container, "args").Select(a => ((YamlScalarNode)a).Value!)],
                    environment,
                    literal,
                    ports,
                    probes);
            }
        }
    }

    private static List<YamlNode> LoadYaml(string path)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(path);
        stream.Load(reader);
        return [.. stream.Documents.Select(d => d.RootNode)];
    }

    /// <summary>The mapping with its YAML merge key (<c>&lt;&lt;: *anchor</c>) applied: own keys win.</summary>
    private static YamlMappingNode Merged(YamlMappingNode mapping)
    {
        if (Map(mapping, "<<") is not { } baseMapping)
        {
            return mapping;
        }

        var merged = new YamlMappingNode();
        foreach (var (key, value) in baseMapping.Children.Concat(mapping.Children.Where(c => ((YamlScalarNode)c.Key).Value != "<<")))
        {
            merged.Children[key] = value;
        }

        return merged;
    }

    private static YamlMappingNode? Map(YamlMappingNode? node, string key) =>
        node is not null && node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value as YamlMappingNode : null;

    private static IEnumerable<YamlNode> Seq(YamlMappingNode? node, string key) =>
        node is not null && node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlSequenceNode sequence ? sequence.Children : [];

    private static string? Scalar(YamlMappingNode? node, string key) =>
        node is not null && node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? (value as YamlScalarNode)?.Value : null;

    [GeneratedRegex(@"\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*)(?::?-(?<default>[^}]*))?\}", RegexOptions.CultureInvariant)]
    private static partial Regex ComposeVariable();

    private sealed record ServerContainer(
        string Name,
        IReadOnlyList<string> Args,
        IReadOnlyDictionary<string, string> Environment,
        IReadOnlyList<string> LiteralVariables,
        IReadOnlyList<int>? DeclaredPorts,
        IReadOnlyList<string> ProbePaths);
}
