namespace ESignWeb.Bench;

public static class Parts
{
    public static void Run()
    {
        var b = new SealingBenchmarks();
        b.Setup();
        var sw = new System.Diagnostics.Stopwatch();
        foreach (var (name, act) in new (string, Func<int>)[] { ("bare", b.BarePdfSharp), ("ours", b.ESignWebSeal), ("seal only", b.SealOnly), ("trail only", b.TrailOnly) })
        {
            for (var i = 0; i < 20; i++) act();
            sw.Restart();
            for (var i = 0; i < 100; i++) act();
            Console.WriteLine($"{name}: {sw.Elapsed.TotalMilliseconds / 100:0.00} ms");
        }
    }
}
