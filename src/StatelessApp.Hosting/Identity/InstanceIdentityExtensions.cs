using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace StatelessApp.Hosting.Identity;

public static class InstanceIdentityExtensions
{
    public const string ServedByHeader = "X-Served-By";

    /// <summary>
    /// Binds and validates Instance:Region and Instance:Name, and switches the console log to a one-line format
    /// that carries "region/instance" on every line, unless <c>Logging:Console:FormatterName</c> names another:
    /// <c>instance-json</c> for one JSON object a line with trace and span ids, region and instance.
    /// </summary>
    public static IHostApplicationBuilder AddInstanceIdentity(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<InstanceOptions>()
            .BindConfiguration(InstanceOptions.SectionName)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<InstanceOptions>, InstanceOptionsValidator>();

        // ??=: Logging:Console:FormatterName, bound before this runs, wins when it is set.
        builder.Logging.AddConsole(console => console.FormatterName ??= InstanceConsoleFormatter.FormatterName);
        builder.Logging.AddConsoleFormatter<InstanceConsoleFormatter, ConsoleFormatterOptions>(formatter =>
        {
            formatter.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
            formatter.UseUtcTimestamp = true;
        });
        builder.Logging.AddConsoleFormatter<InstanceJsonConsoleFormatter, JsonConsoleFormatterOptions>(formatter =>
            formatter.UseUtcTimestamp = true);
        return builder;
    }

    /// <summary>Adds <c>X-Served-By: region/instance</c> to every response, error responses included.</summary>
    public static IApplicationBuilder UseInstanceIdentity(this IApplicationBuilder app)
    {
        var label = app.ApplicationServices.GetRequiredService<IOptions<InstanceOptions>>().Value.Label;
        return app.Use((context, next) =>
        {
            // OnStarting rather than setting the header now: the exception handler clears the headers of a failed
            // response, and the header matters most on exactly those.
            context.Response.OnStarting(static state =>
            {
                var (response, served) = ((HttpResponse, string))state;
                response.Headers[ServedByHeader] = served;
                return Task.CompletedTask;
            }, (context.Response, label));
            return next(context);
        });
    }
}
