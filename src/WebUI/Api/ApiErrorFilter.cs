using WebUI.Api.Json;
using WebUI.Diffusion.Imaging;
using WebUI.Diffusion.Models;

namespace WebUI.Api;

/// <summary>
/// Turns the exceptions API handlers throw for bad input into A1111's answers, so bad input never becomes a 500:
/// validation → 422 FastAPI shape; <see cref="ApiHttpException"/> → its status; unknown model → 404 naming it;
/// unreadable image → 400; other ArgumentException/KeyNotFoundException from the engine's checks → 422.
/// </summary>
sealed class ApiErrorFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (RequestValidationException e)
        {
            return ApiResponses.Validation(e.Issues);
        }
        catch (ApiHttpException e)
        {
            return ApiResponses.Error(e.StatusCode, e.Detail);
        }
        catch (WebUI.Diffusion.Models.ModelFolderException e)
        {
            return ApiResponses.Json(ApiResponses.Ordered(("error", nameof(WebUI.Diffusion.Models.ModelFolderException)), ("detail", e.Message), ("body", ""), ("errors", e.Message)),
                StatusCodes.Status500InternalServerError);
        }
        catch (ModelNotFoundException e)
        {
            return ApiResponses.Error(StatusCodes.Status404NotFound, e.Message);
        }
        catch (ImageInputException e)
        {
            return ApiResponses.Error(StatusCodes.Status400BadRequest, $"Invalid encoded image: {e.Message}");
        }
        catch (Exception e) when (e is ArgumentException or KeyNotFoundException)
        {
            return ApiResponses.Validation([new ValidationIssue(["body"], e.Message, "value_error")]);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A server-side failure (a broken model folder, a full disk): A1111's body, named after the exception.
            context.HttpContext.RequestServices.GetService<ILogger<ApiErrorFilter>>()?.LogError(e, "API request failed");
            return ApiResponses.Json(ApiResponses.Ordered(("error", e.GetType().Name), ("detail", ""), ("body", ""), ("errors", e.Message)),
                StatusCodes.Status500InternalServerError);
        }
    }
}
