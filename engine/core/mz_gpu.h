/* mz_gpu — the Vulkan instance, device and queue the engine shares.
 *
 * One mz_gpu serves the procedural generator (offscreen compute/graphics)
 * and the display renderer (swapchain). Creating it with a surface callback
 * picks a queue family that can present to that surface; without one it is
 * headless (lavapipe on machines with no GPU, the real GPU otherwise).
 *
 * Validation: when desc.validation is set (or MZ_VALIDATION=1 in the
 * environment) VK_LAYER_KHRONOS_validation is enabled if installed; every
 * message of error severity is logged and counted, and tests assert that
 * mz_gpu_validation_errors() is 0.
 *
 * Threading: the VkQueue is shared; every vkQueueSubmit / vkQueuePresentKHR
 * / vkQueueWaitIdle must be bracketed by mz_gpu_queue_lock/unlock.
 * Ownership: the caller owns the mz_gpu and destroys it after every user
 * of it; objects created by users on its device are theirs to destroy. */
#ifndef MZ_GPU_H
#define MZ_GPU_H

#include <stdbool.h>
#include <stdint.h>
#include <vulkan/vulkan.h>

typedef struct mz_gpu mz_gpu;

typedef struct mz_gpu_desc {
    bool validation;
    /* Extra instance extensions (e.g. what SDL_Vulkan_GetInstanceExtensions
     * asks for). Copied. */
    const char *const *instance_extensions;
    uint32_t instance_extension_count;
    /* Presenting: called once with the new instance to create the surface
     * the device must present to. NULL -> headless. */
    bool (*make_surface)(VkInstance instance, void *user, VkSurfaceKHR *out);
    void *surface_user;
} mz_gpu_desc;

mz_gpu *mz_gpu_create(const mz_gpu_desc *desc);
void mz_gpu_destroy(mz_gpu *gpu);

VkInstance mz_gpu_instance(const mz_gpu *gpu);
VkPhysicalDevice mz_gpu_physical(const mz_gpu *gpu);
VkDevice mz_gpu_device(const mz_gpu *gpu);
VkQueue mz_gpu_queue(const mz_gpu *gpu);
uint32_t mz_gpu_queue_family(const mz_gpu *gpu);
VkSurfaceKHR mz_gpu_surface(const mz_gpu *gpu); /* VK_NULL_HANDLE when headless */
const char *mz_gpu_device_name(const mz_gpu *gpu);

void mz_gpu_queue_lock(mz_gpu *gpu);
void mz_gpu_queue_unlock(mz_gpu *gpu);

/* Validation messages of error severity seen since creation. */
uint32_t mz_gpu_validation_errors(const mz_gpu *gpu);

/* Index of a memory type allowed by type_bits with all of `props`, or -1. */
int mz_gpu_memory_type(const mz_gpu *gpu, uint32_t type_bits, VkMemoryPropertyFlags props);

/* Names a Vulkan object for validation messages and debuggers (RenderDoc);
 * a no-op unless validation is on, or when `name` is NULL. `name` is copied
 * by the driver. */
void mz_gpu_name(const mz_gpu *gpu, VkObjectType type, uint64_t handle, const char *name);

#endif
