using System.Security.Claims;
using ESignWeb.Audit;
using Microsoft.AspNetCore.Components.Authorization;

namespace ESignWeb.Components.Shared;

public static class UserExtensions
{
    public static string UserId(this ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("Not signed in.");

    public static async Task<(string Id, Actor Actor)> CurrentUserAsync(this Task<AuthenticationState> state)
    {
        var user = (await state).User;
        return (user.UserId(), new Actor(user.Identity?.Name));
    }

    public static string FormatSize(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.#} KB",
        _ => $"{bytes / (1024.0 * 1024):0.#} MB",
    };
}
