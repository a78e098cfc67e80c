/* A lost GPU device reaches the renderer as VK_ERROR_DEVICE_LOST from a
 * fence wait. The test stands in for the driver: this program defines
 * vkWaitForFences, which the renderer's calls bind to ahead of the Vulkan
 * loader's, and forwards to the loader's until told to lose the device. */
#define _GNU_SOURCE /* RTLD_NEXT */
#include "mz_error.h"
#include "mz_render.h"
#include "mz_test.h"

#include <dlfcn.h>
#include <stdlib.h>

static mz_gpu *gpu;
static bool lose_device;
static int lost_waits;

VKAPI_ATTR VkResult VKAPI_CALL vkWaitForFences(VkDevice device, uint32_t count,
                                               const VkFence *fences, VkBool32 all,
                                               uint64_t timeout)
{
    static PFN_vkWaitForFences real;
    if (lose_device) {
        lost_waits++;
        return VK_ERROR_DEVICE_LOST;
    }
    if (!real) real = (PFN_vkWaitForFences)dlsym(RTLD_NEXT, "vkWaitForFences");
    return real(device, count, fences, all, timeout);
}

static void test_device_lost(void)
{
    mz_render *r = mz_render_create(&(mz_render_desc){.gpu = gpu, .width = 64, .height = 64});
    MZ_CHECK_MSG(r, "%s", mz_error());
    if (!r) return;
    uint8_t frame[32 * 32 * 4] = {0};
    MZ_CHECK(mz_render_set_frame(r, frame, 32, 32));
    MZ_CHECK(mz_render_present(r, NULL));
    MZ_CHECK(mz_render_present(r, NULL)); /* both slots in use: the next waits on a fence */

    lose_device = true;
    MZ_CHECK(!mz_render_set_frame(r, frame, 32, 32));
    MZ_CHECK_HAS(mz_error(), "the GPU device was lost");
    MZ_CHECK(lost_waits == 1);
    /* It stays an error: no further call draws or waits on the dead device. */
    MZ_CHECK(!mz_render_present(r, NULL));
    MZ_CHECK_HAS(mz_error(), "the GPU device was lost");
    MZ_CHECK(!mz_render_set_overlay(r, frame, 32, 32, 32 * 4));
    int w, h;
    MZ_CHECK(mz_render_screenshot(r, &w, &h) == NULL);
    MZ_CHECK(lost_waits == 1);
    lose_device = false;
    mz_render_destroy(r);
}

int main(void)
{
    gpu = mz_gpu_create(&(mz_gpu_desc){.validation = true});
    if (!gpu) {
        fprintf(stderr, "no gpu: %s\n", mz_error());
        return 1;
    }
    MZ_RUN(test_device_lost);
    uint32_t errors = mz_gpu_validation_errors(gpu);
    mz_gpu_destroy(gpu);
    MZ_CHECK_MSG(errors == 0, "%u validation errors", errors);
    return mz_test_finish() || errors;
}
