var app = WebApplication.CreateBuilder(args).Build();
app.Run();

/// <summary>Entry point marker for WebApplicationFactory.</summary>
public partial class Program;
