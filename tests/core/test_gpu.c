/* The validation layers are on in the suite and really count errors: every
 * "0 validation errors" check elsewhere would pass vacuously otherwise. */
#include "mz_error.h"
#include "mz_gpu.h"
#include "mz_test.h"

static void validation_catches_a_wrong_call(void)
{
    mz_gpu *gpu = mz_gpu_create(&(mz_gpu_desc){.validation = true});
    MZ_CHECK_MSG(gpu != NULL, "%s", mz_error());
    if (!gpu) return;
    MZ_CHECK(mz_gpu_validation_errors(gpu) == 0);
    /* A buffer of size 0 breaks a valid-usage rule of vkCreateBuffer. */
    VkBufferCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
        .size = 0,
        .usage = VK_BUFFER_USAGE_TRANSFER_SRC_BIT,
        .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
    };
    VkBuffer buffer = VK_NULL_HANDLE;
    vkCreateBuffer(mz_gpu_device(gpu), &info, NULL, &buffer);
    MZ_CHECK_MSG(mz_gpu_validation_errors(gpu) >= 1,
                 "the validation layer is not active (is vulkan-validationlayers installed?)");
    if (buffer) vkDestroyBuffer(mz_gpu_device(gpu), buffer, NULL);
    mz_gpu_destroy(gpu);
}

int main(void)
{
    MZ_RUN(validation_catches_a_wrong_call);
    return mz_test_finish();
}
