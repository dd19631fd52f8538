namespace ESignWeb.Reports;

/// <summary>The reports' services (issue 13), registered in one place.</summary>
public static class ReportServices
{
    public static IServiceCollection AddReports(this IServiceCollection services)
    {
        services.AddSingleton<ReportScopes>();
        services.AddSingleton<ReportCsv>();
        services.AddSingleton<ReportService>();
        services.AddSingleton<Outbox.IOutboxHandler, ReportBuildHandler>();
        services.AddSingleton<Outbox.IOutboxHandler, ReportExpiryHandler>();
        return services;
    }
}
