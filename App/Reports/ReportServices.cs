namespace ESignWeb.Reports;

/// <summary>The reports' services (issue 13), registered in one place.</summary>
public static class ReportServices
{
    public static IServiceCollection AddReports(this IServiceCollection services)
    {
        services.AddSingleton<ReportScopes>();
        services.AddSingleton<ReportCsv>();
        return services;
    }
}
