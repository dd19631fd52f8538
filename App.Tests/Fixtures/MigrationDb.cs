using ESignWeb.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ESignWeb.Tests.Fixtures;

/// <summary>
/// Options for a context on a scratch SQLite file, for tests that migrate it step by step (data migrations). The app's
/// services shape the model as in the app (Identity's options). EF's pending-model-changes guard is logged, not thrown:
/// these tests check what a migration does to rows; that the model and the migrations are in step is checked by every
/// app start (the app migrates with the guard on), and building this hand-made context among hundreds of others in one
/// test process once tripped the guard's "model changes each time it is built" without any change to the model.
/// </summary>
public static class MigrationDb
{
    public static DbContextOptions<AppDbContext> Options(string path, IServiceProvider appServices) =>
        new DbContextOptionsBuilder<AppDbContext>().UseSqlite($"Data Source={path};Pooling=False")
            .UseApplicationServiceProvider(appServices)
            .ConfigureWarnings(w => w.Log(RelationalEventId.PendingModelChangesWarning))
            .Options;
}
