/* dl_iterate_phdr and RTLD_NODELETE are GNU extensions. */
#define _GNU_SOURCE
#include "mz_gpu.h"

#include "mz_error.h"
#include "mz_log.h"

#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VALIDATION_LAYER "VK_LAYER_KHRONOS_validation"
#define MAX_INSTANCE_EXTENSIONS 16

struct mz_gpu {
    VkInstance instance;
    VkDebugUtilsMessengerEXT messenger;
    VkSurfaceKHR surface;
    VkPhysicalDevice physical;
    VkPhysicalDeviceMemoryProperties memory;
    VkDevice device;
    VkQueue queue;
    uint32_t family;
    char name[VK_MAX_PHYSICAL_DEVICE_NAME_SIZE];
    PFN_vkSetDebugUtilsObjectNameEXT set_name; /* NULL without VK_EXT_debug_utils */
    pthread_mutex_t queue_lock;
    /* Written by the messenger callback from whatever thread called Vulkan. */
    atomic_uint validation_errors;
};

static VKAPI_ATTR VkBool32 VKAPI_CALL on_debug_message(
    VkDebugUtilsMessageSeverityFlagBitsEXT severity, VkDebugUtilsMessageTypeFlagsEXT types,
    const VkDebugUtilsMessengerCallbackDataEXT *data, void *user)
{
    (void)types;
    mz_gpu *gpu = user;
    if (severity & VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT) {
        atomic_fetch_add(&gpu->validation_errors, 1);
        mz_log_error("vulkan: %s", data->pMessage);
    } else {
        mz_log_warn("vulkan: %s", data->pMessage);
    }
    return VK_FALSE;
}

static bool has_layer(const char *name)
{
    uint32_t n = 0;
    vkEnumerateInstanceLayerProperties(&n, NULL);
    VkLayerProperties *props = calloc(n ? n : 1, sizeof *props);
    if (!props) return false;
    vkEnumerateInstanceLayerProperties(&n, props);
    bool found = false;
    for (uint32_t i = 0; i < n && !found; i++)
        found = !strcmp(props[i].layerName, name);
    free(props);
    return found;
}

static bool wants_validation(const mz_gpu_desc *desc)
{
    const char *env = getenv("MZ_VALIDATION");
    return desc->validation || (env && env[0] == '1');
}

static bool create_instance(mz_gpu *gpu, const mz_gpu_desc *desc)
{
    const char *exts[MAX_INSTANCE_EXTENSIONS + 1];
    uint32_t next = 0;
    if (desc->instance_extension_count > MAX_INSTANCE_EXTENSIONS)
        return mz_fail("gpu: too many instance extensions (%u)", desc->instance_extension_count);
    for (uint32_t i = 0; i < desc->instance_extension_count; i++)
        exts[next++] = desc->instance_extensions[i];

    bool validation = wants_validation(desc);
    if (validation && !has_layer(VALIDATION_LAYER)) {
        mz_log_warn("gpu: validation asked for but %s is not installed", VALIDATION_LAYER);
        validation = false;
    }
    const char *layers[] = {VALIDATION_LAYER};
    if (validation) exts[next++] = VK_EXT_DEBUG_UTILS_EXTENSION_NAME;

    VkApplicationInfo app = {
        .sType = VK_STRUCTURE_TYPE_APPLICATION_INFO,
        .pApplicationName = "maze",
        .pEngineName = "maze",
        .apiVersion = VK_API_VERSION_1_1,
    };
    VkDebugUtilsMessengerCreateInfoEXT messenger = {
        .sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT,
        .messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT |
                           VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT,
        .messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT |
                       VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                       VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT,
        .pfnUserCallback = on_debug_message,
        .pUserData = gpu,
    };
    VkInstanceCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO,
        /* Chained so that instance creation and destruction are checked too. */
        .pNext = validation ? &messenger : NULL,
        .pApplicationInfo = &app,
        .enabledLayerCount = validation ? 1 : 0,
        .ppEnabledLayerNames = layers,
        .enabledExtensionCount = next,
        .ppEnabledExtensionNames = exts,
    };
    VkResult r = vkCreateInstance(&info, NULL, &gpu->instance);
    if (r != VK_SUCCESS) return mz_fail("gpu: vkCreateInstance failed (%d)", r);

    if (validation) {
        PFN_vkCreateDebugUtilsMessengerEXT create =
            (PFN_vkCreateDebugUtilsMessengerEXT)vkGetInstanceProcAddr(
                gpu->instance, "vkCreateDebugUtilsMessengerEXT");
        if (!create || create(gpu->instance, &messenger, NULL, &gpu->messenger) != VK_SUCCESS)
            mz_log_warn("gpu: could not install the validation messenger");
    }
    return true;
}

/* A queue family with graphics + compute (and presentation to the surface,
 * when there is one), or UINT32_MAX. */
static uint32_t pick_family(const mz_gpu *gpu, VkPhysicalDevice pd)
{
    uint32_t n = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(pd, &n, NULL);
    VkQueueFamilyProperties *props = calloc(n ? n : 1, sizeof *props);
    if (!props) return UINT32_MAX;
    vkGetPhysicalDeviceQueueFamilyProperties(pd, &n, props);
    uint32_t found = UINT32_MAX;
    const VkQueueFlags need = VK_QUEUE_GRAPHICS_BIT | VK_QUEUE_COMPUTE_BIT;
    for (uint32_t i = 0; i < n && found == UINT32_MAX; i++) {
        if ((props[i].queueFlags & need) != need) continue;
        if (gpu->surface) {
            VkBool32 present = VK_FALSE;
            vkGetPhysicalDeviceSurfaceSupportKHR(pd, i, gpu->surface, &present);
            if (!present) continue;
        }
        found = i;
    }
    free(props);
    return found;
}

static int device_rank(VkPhysicalDeviceType type)
{
    switch (type) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU:
        return 4;
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU:
        return 3;
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU:
        return 2;
    case VK_PHYSICAL_DEVICE_TYPE_CPU:
        return 1; /* lavapipe: always works, slowest */
    default:
        return 0;
    }
}

static bool pick_physical(mz_gpu *gpu)
{
    uint32_t n = 0;
    vkEnumeratePhysicalDevices(gpu->instance, &n, NULL);
    if (n == 0) return mz_fail("gpu: no Vulkan device (is mesa-vulkan-drivers installed?)");
    VkPhysicalDevice *all = calloc(n, sizeof *all);
    if (!all) return mz_fail("gpu: out of memory");
    vkEnumeratePhysicalDevices(gpu->instance, &n, all);
    int best_rank = -1;
    for (uint32_t i = 0; i < n; i++) {
        VkPhysicalDeviceProperties props;
        vkGetPhysicalDeviceProperties(all[i], &props);
        uint32_t family = pick_family(gpu, all[i]);
        int rank = device_rank(props.deviceType);
        if (family == UINT32_MAX || rank <= best_rank) continue;
        best_rank = rank;
        gpu->physical = all[i];
        gpu->family = family;
        snprintf(gpu->name, sizeof gpu->name, "%s", props.deviceName);
    }
    free(all);
    if (best_rank < 0)
        return mz_fail("gpu: no device has a graphics queue%s",
                       gpu->surface ? " that can present to the window" : "");
    vkGetPhysicalDeviceMemoryProperties(gpu->physical, &gpu->memory);
    return true;
}

static bool create_device(mz_gpu *gpu)
{
    float priority = 1.0f;
    VkDeviceQueueCreateInfo queue = {
        .sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO,
        .queueFamilyIndex = gpu->family,
        .queueCount = 1,
        .pQueuePriorities = &priority,
    };
    const char *exts[] = {VK_KHR_SWAPCHAIN_EXTENSION_NAME};
    VkDeviceCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO,
        .queueCreateInfoCount = 1,
        .pQueueCreateInfos = &queue,
        .enabledExtensionCount = gpu->surface ? 1 : 0,
        .ppEnabledExtensionNames = exts,
    };
    VkResult r = vkCreateDevice(gpu->physical, &info, NULL, &gpu->device);
    if (r != VK_SUCCESS) return mz_fail("gpu: vkCreateDevice on %s failed (%d)", gpu->name, r);
    vkGetDeviceQueue(gpu->device, gpu->family, 0, &gpu->queue);
    if (gpu->messenger)
        gpu->set_name = (PFN_vkSetDebugUtilsObjectNameEXT)vkGetInstanceProcAddr(
            gpu->instance, "vkSetDebugUtilsObjectNameEXT");
    return true;
}

static int pin_driver(struct dl_phdr_info *info, size_t size, void *user)
{
    (void)size;
    (void)user;
    const char *slash = strrchr(info->dlpi_name, '/');
    const char *base = slash ? slash + 1 : info->dlpi_name;
    if (!strncmp(base, "libvulkan_", 10)) {
        void *h = dlopen(info->dlpi_name, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE);
        if (h) dlclose(h); /* the NODELETE mark stays */
    }
    return 0;
}

/* Keeps the Vulkan drivers the loader opened in memory for the life of the
 * process. A later mz_gpu_create then skips reloading the driver (and, for
 * lavapipe, LLVM), and the bytes lavapipe leaves behind at exit stay
 * attributable, so LeakSanitizer can tell them (suppressed) from ours. */
static void pin_drivers(void)
{
    dl_iterate_phdr(pin_driver, NULL);
}

mz_gpu *mz_gpu_create(const mz_gpu_desc *desc)
{
    static const mz_gpu_desc defaults = {0};
    if (!desc) desc = &defaults;
    mz_gpu *gpu = calloc(1, sizeof *gpu);
    if (!gpu) {
        mz_fail("gpu: out of memory");
        return NULL;
    }
    pthread_mutex_init(&gpu->queue_lock, NULL);
    if (!create_instance(gpu, desc)) goto fail;
    if (desc->make_surface &&
        !desc->make_surface(gpu->instance, desc->surface_user, &gpu->surface)) {
        mz_fail_context("gpu: creating the window surface");
        goto fail;
    }
    if (!pick_physical(gpu) || !create_device(gpu)) goto fail;
    pin_drivers();
    mz_log_info("gpu: %s (queue family %u%s)", gpu->name, gpu->family,
                gpu->surface ? ", presenting" : ", headless");
    return gpu;
fail:
    mz_gpu_destroy(gpu);
    return NULL;
}

void mz_gpu_destroy(mz_gpu *gpu)
{
    if (!gpu) return;
    if (gpu->device) vkDestroyDevice(gpu->device, NULL);
    if (gpu->surface) vkDestroySurfaceKHR(gpu->instance, gpu->surface, NULL);
    if (gpu->messenger) {
        PFN_vkDestroyDebugUtilsMessengerEXT destroy =
            (PFN_vkDestroyDebugUtilsMessengerEXT)vkGetInstanceProcAddr(
                gpu->instance, "vkDestroyDebugUtilsMessengerEXT");
        if (destroy) destroy(gpu->instance, gpu->messenger, NULL);
    }
    if (gpu->instance) vkDestroyInstance(gpu->instance, NULL);
    pthread_mutex_destroy(&gpu->queue_lock);
    free(gpu);
}

VkInstance mz_gpu_instance(const mz_gpu *gpu)
{
    return gpu->instance;
}
VkPhysicalDevice mz_gpu_physical(const mz_gpu *gpu)
{
    return gpu->physical;
}
VkDevice mz_gpu_device(const mz_gpu *gpu)
{
    return gpu->device;
}
VkQueue mz_gpu_queue(const mz_gpu *gpu)
{
    return gpu->queue;
}
uint32_t mz_gpu_queue_family(const mz_gpu *gpu)
{
    return gpu->family;
}
VkSurfaceKHR mz_gpu_surface(const mz_gpu *gpu)
{
    return gpu->surface;
}
const char *mz_gpu_device_name(const mz_gpu *gpu)
{
    return gpu->name;
}

void mz_gpu_queue_lock(mz_gpu *gpu)
{
    pthread_mutex_lock(&gpu->queue_lock);
}
void mz_gpu_queue_unlock(mz_gpu *gpu)
{
    pthread_mutex_unlock(&gpu->queue_lock);
}

uint32_t mz_gpu_validation_errors(const mz_gpu *gpu)
{
    return atomic_load(&((mz_gpu *)gpu)->validation_errors);
}

int mz_gpu_memory_type(const mz_gpu *gpu, uint32_t type_bits, VkMemoryPropertyFlags props)
{
    for (uint32_t i = 0; i < gpu->memory.memoryTypeCount; i++)
        if ((type_bits & (1u << i)) && (gpu->memory.memoryTypes[i].propertyFlags & props) == props)
            return (int)i;
    return -1;
}

void mz_gpu_name(const mz_gpu *gpu, VkObjectType type, uint64_t handle, const char *name)
{
    if (!gpu->set_name || !name) return;
    VkDebugUtilsObjectNameInfoEXT info = {
        .sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_OBJECT_NAME_INFO_EXT,
        .objectType = type,
        .objectHandle = handle,
        .pObjectName = name,
    };
    gpu->set_name(gpu->device, &info);
}
