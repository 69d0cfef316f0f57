var builder = WebApplication.CreateBuilder(args);

var app = builder.Build();

app.MapGet("/", () => "StatelessApp");

app.Run();

/// <summary>Entry point, visible to WebApplicationFactory in the integration tests.</summary>
public partial class Program;
