using System.Text.Json;
using Microsoft.Playwright;

namespace ESignWeb.Tests.E2E;

/// <summary>
/// axe-core (npm devDependency, read from the repository's <c>node_modules/axe-core/axe.min.js</c>) run in a page.
/// The source is evaluated over the DevTools protocol (<c>page.EvaluateAsync</c>): the app's CSP rightly blocks injected
/// script tags, and evaluation from the test driver is not a page script, so the CSP stays as strict as it is.
/// </summary>
public static class Axe
{
    private static readonly Lazy<string> Source = new(() =>
    {
        var path = Path.Combine(RepoPaths.Root, "node_modules", "axe-core", "axe.min.js");
        if (!File.Exists(path)) throw new FileNotFoundException("axe-core is missing: run `npm install` at the repository root.", path);
        return File.ReadAllText(path);
    });

    /// <summary>One rule broken on one screen, with the nodes that break it.</summary>
    public sealed record Violation(string Screen, string Id, string Impact, string Help, string HelpUrl, IReadOnlyList<string> Targets)
    {
        public bool IsSeriousOrCritical => Impact is "serious" or "critical";

        public override string ToString() =>
            $"[{Screen}] {Id} ({Impact}): {Help} <{HelpUrl}>\n" + string.Join("\n", Targets.Select(t => "    " + t));
    }

    /// <summary>Parts of the page axe is not run on: none so far (each entry needs a comment saying why).</summary>
    private static readonly string[] Excluded = [];

    /// <summary>Runs every axe rule (WCAG 2.x A/AA and best practices) on the page as it stands; returns all violations.</summary>
    public static Task<IReadOnlyList<Violation>> RunAsync(IPage page, string screen) => RunAsync(page.MainFrame, screen);

    /// <summary>The same in one frame (an embedded page inside its host's iframe).</summary>
    public static async Task<IReadOnlyList<Violation>> RunAsync(IFrame page, string screen)
    {
        // Colours are measured as shown: wait until finite CSS transitions and animations (a button turning from its
        // disabled grey, a snackbar fading in) have ended. Endless ones (progress indicators) are not waited for.
        await page.WaitForFunctionAsync(@"() => document.getAnimations().every(a =>
            a.playState !== 'running' || a.effect?.getComputedTiming().endTime === Infinity)", null, new() { Timeout = 10_000 });
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe === 'object'"))
            await page.EvaluateAsync(Source.Value + "\n;void 0");
        var raw = await page.EvaluateAsync<JsonElement>(@"async exclude => {
            const r = await axe.run({ exclude: exclude.map(s => [s]) }, { resultTypes: ['violations'] });
            return r.violations.map(v => ({
                id: v.id, impact: v.impact || '', help: v.help, helpUrl: v.helpUrl,
                targets: v.nodes.map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || '').replace(/\s+/g, ' ').trim()),
            }));
        }", Excluded);
        return raw.EnumerateArray().Select(v => new Violation(screen,
            v.GetProperty("id").GetString()!, v.GetProperty("impact").GetString()!, v.GetProperty("help").GetString()!,
            v.GetProperty("helpUrl").GetString()!, v.GetProperty("targets").EnumerateArray().Select(t => t.GetString()!).ToList())).ToList();
    }
}
