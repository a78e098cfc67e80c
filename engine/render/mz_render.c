/* mz_render — see mz_render.h. */
#include "mz_render.h"

#include "mz_defaults.h"
#include "mz_error.h"
#include "mz_gpu_util.h"
#include "mz_log.h"
#include "mz_time.h"

#include "composite_frag.h"
#include "fullscreen_vert.h"

#include <stdlib.h>
#include <string.h>

#define FRAMES_IN_FLIGHT 2
#define MAX_TARGET_IMAGES 8

/* An image sampled by the composite, with the layout it was left in. */
typedef struct texture {
    mz_gpu_image img;
    bool ready; /* cleared and in SHADER_READ_ONLY_OPTIMAL */
} texture;

typedef struct frame_slot {
    VkCommandBuffer cmd;
    VkFence fence;
    VkSemaphore acquired;
    mz_gpu_buffer frame_staging, overlay_staging;
    bool frame_pending, overlay_pending; /* staging holds pixels to upload */
} frame_slot;

struct mz_render {
    mz_gpu *gpu;
    VkDevice dev;
    VkSurfaceKHR surface; /* VK_NULL_HANDLE: headless target */
    bool no_vsync;

    int want_w, want_h; /* the drawable, as last told */
    bool recreate;      /* the target no longer matches: rebuild before drawing */
    bool lost;          /* VK_ERROR_DEVICE_LOST seen: every call fails from then on */

    /* the target: swapchain images, or offscreen images when headless */
    VkFormat format;
    VkSwapchainKHR swapchain;
    VkExtent2D extent;
    uint32_t image_count;
    VkImage images[MAX_TARGET_IMAGES];
    mz_gpu_image offscreen[MAX_TARGET_IMAGES]; /* headless only: owns images[i], views[i] */
    VkImageView views[MAX_TARGET_IMAGES];
    VkFramebuffer framebuffers[MAX_TARGET_IMAGES];
    VkSemaphore rendered[MAX_TARGET_IMAGES]; /* per image: reused only once it is re-acquired */
    bool can_read_back;

    VkRenderPass pass;
    VkDescriptorSetLayout set_layout;
    VkPipelineLayout layout;
    VkPipeline pipeline;
    VkSampler sampler;
    VkDescriptorPool pool;
    VkDescriptorSet sets[2]; /* sets[i]: now = frames[i], before = frames[i ^ 1] */
    VkCommandPool cmd_pool;

    frame_slot slots[FRAMES_IN_FLIGHT];
    uint32_t slot;

    texture frames[2];
    int current; /* index into frames of the frame shown */
    bool has_frame;
    texture overlay;
    bool has_overlay;

    double fade_s; /* requested for the next frame; 0 = cut */
    uint64_t fade_start_ns;
    double fade_len_s; /* the fade running now; 0 = none */

    mz_gpu_buffer readback;
    int last_image; /* the image last presented, -1 before the first */
};

static bool vk_check(VkResult res, const char *what)
{
    if (res == VK_SUCCESS) return true;
    return mz_fail("render: %s failed (VkResult %d)", what, (int)res);
}

/* Every fence wait goes through here: a wait that fails means the GPU is
 * gone (device lost) or out of memory, and drawing on regardless would
 * reuse resources it may still hold. A lost device stays lost. */
static bool wait_fence(mz_render *r, VkFence fence)
{
    if (r->lost) return mz_fail("render: the GPU device was lost");
    VkResult res = vkWaitForFences(r->dev, 1, &fence, VK_TRUE, UINT64_MAX);
    if (res == VK_ERROR_DEVICE_LOST) {
        r->lost = true;
        return mz_fail("render: the GPU device was lost (vkWaitForFences)");
    }
    return vk_check(res, "vkWaitForFences");
}

static void queue_wait_idle(mz_render *r)
{
    mz_gpu_queue_lock(r->gpu);
    vkQueueWaitIdle(mz_gpu_queue(r->gpu));
    mz_gpu_queue_unlock(r->gpu);
}

/* ---- memory helpers ---- */

/* Makes b at least `size` bytes. The caller has made sure the GPU is done with it. */
static bool host_buffer_reserve(mz_render *r, mz_gpu_buffer *b, VkDeviceSize size,
                                VkBufferUsageFlags usage, bool read_back)
{
    if (b->size >= size) return true;
    mz_gpu_buffer_destroy(r->gpu, b);
    /* Reading back from uncached memory is slow: prefer cached for readback. */
    VkMemoryPropertyFlags want =
        VK_MEMORY_PROPERTY_HOST_COHERENT_BIT | (read_back ? VK_MEMORY_PROPERTY_HOST_CACHED_BIT : 0);
    return mz_gpu_buffer_create(r->gpu, b, size, usage, want, NULL);
}

/* ---- textures ---- */

static void texture_destroy(mz_render *r, texture *t)
{
    mz_gpu_image_destroy(r->gpu, &t->img);
    t->ready = false;
}

static bool texture_create(mz_render *r, texture *t, int w, int h)
{
    texture_destroy(r, t);
    return mz_gpu_image_create(r->gpu, &t->img, (uint32_t)w, (uint32_t)h, VK_FORMAT_R8G8B8A8_UNORM,
                               VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT, NULL);
}

static void write_sets(mz_render *r)
{
    for (int i = 0; i < 2; i++) {
        VkDescriptorImageInfo info[3] = {
            {r->sampler, r->frames[i].img.view, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL},
            {r->sampler, r->frames[i ^ 1].img.view, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL},
            {r->sampler, r->overlay.img.view, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL},
        };
        VkWriteDescriptorSet w = {
            .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
            .dstSet = r->sets[i],
            .dstBinding = 0,
            .descriptorCount = 3,
            .descriptorType = VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER,
            .pImageInfo = info,
        };
        vkUpdateDescriptorSets(r->dev, 1, &w, 0, NULL);
    }
}

/* Waits until no submitted frame uses any resource of ours. */
static bool wait_frames(mz_render *r)
{
    for (int i = 0; i < FRAMES_IN_FLIGHT; i++)
        if (!wait_fence(r, r->slots[i].fence)) return false;
    return true;
}

/* Records the barrier that moves a texture to `to`, after its last use. */
static void texture_barrier(VkCommandBuffer cmd, texture *t, bool was_ready, VkImageLayout to)
{
    bool to_transfer = to == VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL;
    /* Into transfer: after earlier frames' fragment reads (write-after-read
     * needs only the execution dependency). Out: before this frame's reads. */
    VkPipelineStageFlags src =
        to_transfer ? VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT : VK_PIPELINE_STAGE_TRANSFER_BIT;
    if (to_transfer && !was_ready) src = VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT;
    mz_gpu_image_barrier(
        cmd,
        &(mz_gpu_barrier_desc){
            .image = t->img.image,
            .from = to_transfer ? (was_ready ? VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL
                                             : VK_IMAGE_LAYOUT_UNDEFINED)
                                : VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
            .to = to,
            .src_access = to_transfer ? 0 : VK_ACCESS_TRANSFER_WRITE_BIT,
            .dst_access = to_transfer ? VK_ACCESS_TRANSFER_WRITE_BIT : VK_ACCESS_SHADER_READ_BIT,
            .src_stage = src,
            .dst_stage = to_transfer ? VK_PIPELINE_STAGE_TRANSFER_BIT
                                     : VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT,
        });
}

/* Uploads staging pixels into t, or clears it when staging is NULL, leaving
 * it ready to sample. */
static void record_upload(VkCommandBuffer cmd, texture *t, const mz_gpu_buffer *staging,
                          const VkClearColorValue *clear)
{
    texture_barrier(cmd, t, t->ready, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL);
    if (staging) {
        VkBufferImageCopy copy = {
            .imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1},
            .imageExtent = {t->img.width, t->img.height, 1},
        };
        vkCmdCopyBufferToImage(cmd, staging->buffer, t->img.image,
                               VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &copy);
    } else {
        VkImageSubresourceRange range = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
        vkCmdClearColorImage(cmd, t->img.image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, clear, 1,
                             &range);
    }
    texture_barrier(cmd, t, true, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL);
    t->ready = true;
}

/* ---- the target ---- */

static void target_destroy(mz_render *r)
{
    for (uint32_t i = 0; i < r->image_count; i++) {
        if (r->framebuffers[i]) vkDestroyFramebuffer(r->dev, r->framebuffers[i], NULL);
        if (r->rendered[i]) vkDestroySemaphore(r->dev, r->rendered[i], NULL);
        /* headless images are ours (with their views); swapchain ones are not */
        if (r->offscreen[i].image)
            mz_gpu_image_destroy(r->gpu, &r->offscreen[i]);
        else if (r->views[i])
            vkDestroyImageView(r->dev, r->views[i], NULL);
        r->framebuffers[i] = VK_NULL_HANDLE;
        r->views[i] = VK_NULL_HANDLE;
        r->rendered[i] = VK_NULL_HANDLE;
        r->images[i] = VK_NULL_HANDLE;
    }
    r->image_count = 0;
    r->last_image = -1;
}

static bool choose_format(mz_render *r)
{
    if (!r->surface) {
        r->format = VK_FORMAT_B8G8R8A8_UNORM;
        return true;
    }
    VkPhysicalDevice phys = mz_gpu_physical(r->gpu);
    uint32_t n = 0;
    vkGetPhysicalDeviceSurfaceFormatsKHR(phys, r->surface, &n, NULL);
    if (n == 0) return mz_fail("render: the surface offers no formats");
    VkSurfaceFormatKHR *formats = calloc(n, sizeof *formats);
    if (!formats) return mz_fail("render: out of memory");
    vkGetPhysicalDeviceSurfaceFormatsKHR(phys, r->surface, &n, formats);
    /* Frames are already sRGB-encoded bytes: a UNORM target passes them
     * through untouched (an _SRGB one would encode them twice). */
    r->format = formats[0].format;
    for (uint32_t i = 0; i < n; i++)
        if (formats[i].format == VK_FORMAT_B8G8R8A8_UNORM ||
            formats[i].format == VK_FORMAT_R8G8B8A8_UNORM) {
            r->format = formats[i].format;
            break;
        }
    free(formats);
    return true;
}

static VkPresentModeKHR choose_present_mode(mz_render *r)
{
    if (!r->no_vsync) return VK_PRESENT_MODE_FIFO_KHR; /* always supported; no tearing */
    VkPhysicalDevice phys = mz_gpu_physical(r->gpu);
    VkPresentModeKHR modes[16];
    uint32_t n = 16;
    vkGetPhysicalDeviceSurfacePresentModesKHR(phys, r->surface, &n, modes);
    VkPresentModeKHR best = VK_PRESENT_MODE_FIFO_KHR;
    for (uint32_t i = 0; i < n; i++) {
        if (modes[i] == VK_PRESENT_MODE_MAILBOX_KHR) return modes[i];
        if (modes[i] == VK_PRESENT_MODE_IMMEDIATE_KHR) best = modes[i];
    }
    return best;
}

static bool make_swapchain(mz_render *r)
{
    VkPhysicalDevice phys = mz_gpu_physical(r->gpu);
    VkSurfaceCapabilitiesKHR caps;
    if (!vk_check(vkGetPhysicalDeviceSurfaceCapabilitiesKHR(phys, r->surface, &caps),
                  "vkGetPhysicalDeviceSurfaceCapabilitiesKHR"))
        return false;
    VkExtent2D extent = caps.currentExtent;
    if (extent.width == UINT32_MAX) { /* the surface takes its size from us */
        extent.width = (uint32_t)r->want_w;
        extent.height = (uint32_t)r->want_h;
        if (extent.width < caps.minImageExtent.width) extent.width = caps.minImageExtent.width;
        if (extent.width > caps.maxImageExtent.width) extent.width = caps.maxImageExtent.width;
        if (extent.height < caps.minImageExtent.height) extent.height = caps.minImageExtent.height;
        if (extent.height > caps.maxImageExtent.height) extent.height = caps.maxImageExtent.height;
    }
    r->extent = extent;
    if (extent.width == 0 || extent.height == 0)
        return true; /* minimised: no swapchain until it has a size again */

    uint32_t count = caps.minImageCount + 1;
    if (caps.maxImageCount && count > caps.maxImageCount) count = caps.maxImageCount;
    if (count > MAX_TARGET_IMAGES) count = MAX_TARGET_IMAGES;
    r->can_read_back = caps.supportedUsageFlags & VK_IMAGE_USAGE_TRANSFER_SRC_BIT;
    VkSwapchainKHR old = r->swapchain;
    VkSwapchainCreateInfoKHR si = {
        .sType = VK_STRUCTURE_TYPE_SWAPCHAIN_CREATE_INFO_KHR,
        .surface = r->surface,
        .minImageCount = count,
        .imageFormat = r->format,
        .imageColorSpace = VK_COLOR_SPACE_SRGB_NONLINEAR_KHR,
        .imageExtent = extent,
        .imageArrayLayers = 1,
        .imageUsage = VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT |
                      (r->can_read_back ? VK_IMAGE_USAGE_TRANSFER_SRC_BIT : 0),
        .imageSharingMode = VK_SHARING_MODE_EXCLUSIVE,
        .preTransform = caps.currentTransform,
        .compositeAlpha = (caps.supportedCompositeAlpha & VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR)
                              ? VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR
                              : (VkCompositeAlphaFlagBitsKHR)(caps.supportedCompositeAlpha &
                                                              -caps.supportedCompositeAlpha),
        .presentMode = choose_present_mode(r),
        .clipped = VK_TRUE,
        .oldSwapchain = old,
    };
    VkResult res = vkCreateSwapchainKHR(r->dev, &si, NULL, &r->swapchain);
    if (old) vkDestroySwapchainKHR(r->dev, old, NULL);
    if (res != VK_SUCCESS) {
        r->swapchain = VK_NULL_HANDLE;
        return vk_check(res, "vkCreateSwapchainKHR");
    }
    uint32_t n = 0;
    vkGetSwapchainImagesKHR(r->dev, r->swapchain, &n, NULL);
    if (n > MAX_TARGET_IMAGES)
        return mz_fail("render: the swapchain has %u images, more than %d", n, MAX_TARGET_IMAGES);
    vkGetSwapchainImagesKHR(r->dev, r->swapchain, &n, r->images);
    r->image_count = n;
    for (uint32_t i = 0; i < n; i++)
        if (!mz_gpu_image_view(r->gpu, r->images[i], r->format, &r->views[i])) return false;
    return true;
}

static bool make_offscreen(mz_render *r)
{
    r->extent.width = (uint32_t)r->want_w;
    r->extent.height = (uint32_t)r->want_h;
    if (!r->want_w || !r->want_h) return true;
    r->can_read_back = true;
    r->image_count = FRAMES_IN_FLIGHT;
    for (uint32_t i = 0; i < r->image_count; i++) {
        if (!mz_gpu_image_create(
                r->gpu, &r->offscreen[i], (uint32_t)r->want_w, (uint32_t)r->want_h, r->format,
                VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT, NULL))
            return false;
        r->images[i] = r->offscreen[i].image;
        r->views[i] = r->offscreen[i].view;
    }
    return true;
}

/* (Re)builds the target for the drawable's size. Waits for the queue first:
 * the presentation engine may still hold semaphores of the old images. */
static bool target_build(mz_render *r)
{
    if (!wait_frames(r)) return false;
    queue_wait_idle(r);
    target_destroy(r);
    r->recreate = false;
    if (!(r->surface ? make_swapchain(r) : make_offscreen(r))) return false;
    for (uint32_t i = 0; i < r->image_count; i++) {
        VkFramebufferCreateInfo fi = {
            .sType = VK_STRUCTURE_TYPE_FRAMEBUFFER_CREATE_INFO,
            .renderPass = r->pass,
            .attachmentCount = 1,
            .pAttachments = &r->views[i],
            .width = r->extent.width,
            .height = r->extent.height,
            .layers = 1,
        };
        VkSemaphoreCreateInfo sem = {.sType = VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO};
        if (!vk_check(vkCreateFramebuffer(r->dev, &fi, NULL, &r->framebuffers[i]),
                      "vkCreateFramebuffer") ||
            !vk_check(vkCreateSemaphore(r->dev, &sem, NULL, &r->rendered[i]), "vkCreateSemaphore"))
            return false;
    }
    mz_log_debug("render: target %ux%u, %u images", r->extent.width, r->extent.height,
                 r->image_count);
    return true;
}

/* ---- creation ---- */

static bool make_pipeline(mz_render *r)
{
    bool headless = !r->surface;
    /* The layout change waits for the acquire semaphore (signalled before
     * COLOR_ATTACHMENT_OUTPUT) and, headless, for the last readback. */
    VkSubpassDependency dep = {
        .srcSubpass = VK_SUBPASS_EXTERNAL,
        .dstSubpass = 0,
        .srcStageMask =
            VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT,
        .dstStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT,
        .srcAccessMask = 0,
        .dstAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT,
    };
    VkImageLayout final_layout =
        headless ? VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL : VK_IMAGE_LAYOUT_PRESENT_SRC_KHR;
    return mz_gpu_color_pass(r->gpu, r->format, VK_IMAGE_LAYOUT_UNDEFINED, final_layout, &dep, 1,
                             &r->pass) &&
           mz_gpu_fullscreen_pipeline(r->gpu, r->layout, r->pass, fullscreen_vert,
                                      sizeof fullscreen_vert, composite_frag, sizeof composite_frag,
                                      NULL, &r->pipeline);
}

typedef struct composite_push {
    float rect[4];
    float size[2];
    float fade, has_frame, has_overlay;
} composite_push;

static bool make_fixed(mz_render *r)
{
    VkDescriptorSetLayoutBinding bind[3];
    for (uint32_t i = 0; i < 3; i++)
        bind[i] = (VkDescriptorSetLayoutBinding){i, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 1,
                                                 VK_SHADER_STAGE_FRAGMENT_BIT, NULL};
    VkDescriptorSetLayoutCreateInfo li = {.sType =
                                              VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO,
                                          .bindingCount = 3,
                                          .pBindings = bind};
    VkPushConstantRange push = {VK_SHADER_STAGE_FRAGMENT_BIT, 0, sizeof(composite_push)};
    VkDescriptorPoolSize ps = {VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 6};
    VkDescriptorPoolCreateInfo dpi = {.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
                                      .maxSets = 2,
                                      .poolSizeCount = 1,
                                      .pPoolSizes = &ps};
    VkCommandPoolCreateInfo cpi = {.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
                                   .flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT,
                                   .queueFamilyIndex = mz_gpu_queue_family(r->gpu)};
    if (!vk_check(vkCreateDescriptorSetLayout(r->dev, &li, NULL, &r->set_layout),
                  "vkCreateDescriptorSetLayout"))
        return false;
    VkPipelineLayoutCreateInfo pli = {.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO,
                                      .setLayoutCount = 1,
                                      .pSetLayouts = &r->set_layout,
                                      .pushConstantRangeCount = 1,
                                      .pPushConstantRanges = &push};
    if (!vk_check(vkCreatePipelineLayout(r->dev, &pli, NULL, &r->layout),
                  "vkCreatePipelineLayout") ||
        !mz_gpu_linear_sampler(r->gpu, &r->sampler) ||
        !vk_check(vkCreateDescriptorPool(r->dev, &dpi, NULL, &r->pool), "vkCreateDescriptorPool") ||
        !vk_check(vkCreateCommandPool(r->dev, &cpi, NULL, &r->cmd_pool), "vkCreateCommandPool"))
        return false;
    VkDescriptorSetLayout layouts[2] = {r->set_layout, r->set_layout};
    VkDescriptorSetAllocateInfo dai = {.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
                                       .descriptorPool = r->pool,
                                       .descriptorSetCount = 2,
                                       .pSetLayouts = layouts};
    if (!vk_check(vkAllocateDescriptorSets(r->dev, &dai, r->sets), "vkAllocateDescriptorSets"))
        return false;
    for (int i = 0; i < FRAMES_IN_FLIGHT; i++) {
        frame_slot *s = &r->slots[i];
        VkCommandBufferAllocateInfo ci = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
                                          .commandPool = r->cmd_pool,
                                          .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
                                          .commandBufferCount = 1};
        VkFenceCreateInfo fci = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO,
                                 .flags = VK_FENCE_CREATE_SIGNALED_BIT};
        VkSemaphoreCreateInfo sci = {.sType = VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO};
        if (!vk_check(vkAllocateCommandBuffers(r->dev, &ci, &s->cmd), "vkAllocateCommandBuffers") ||
            !vk_check(vkCreateFence(r->dev, &fci, NULL, &s->fence), "vkCreateFence") ||
            !vk_check(vkCreateSemaphore(r->dev, &sci, NULL, &s->acquired), "vkCreateSemaphore"))
            return false;
    }
    /* 1x1 placeholders until the first frame and overlay arrive, so every
     * descriptor always names a valid image. */
    return texture_create(r, &r->frames[0], 1, 1) && texture_create(r, &r->frames[1], 1, 1) &&
           texture_create(r, &r->overlay, 1, 1);
}

/* The one place mz_render_desc's zero fields get their defaults. */
static mz_render_desc desc_defaults(const mz_render_desc *desc)
{
    mz_render_desc d = *desc;
    if (d.width <= 0) d.width = MZ_DEFAULT_WINDOW_WIDTH;
    if (d.height <= 0) d.height = MZ_DEFAULT_WINDOW_HEIGHT;
    return d;
}

mz_render *mz_render_create(const mz_render_desc *given)
{
    if (!given || !given->gpu) {
        mz_fail("render: no gpu given");
        return NULL;
    }
    const mz_render_desc d = desc_defaults(given), *desc = &d;
    mz_render *r = calloc(1, sizeof *r);
    if (!r) {
        mz_fail("render: out of memory");
        return NULL;
    }
    r->gpu = desc->gpu;
    r->dev = mz_gpu_device(desc->gpu);
    r->surface = mz_gpu_surface(desc->gpu);
    r->no_vsync = desc->no_vsync;
    r->want_w = desc->width;
    r->want_h = desc->height;
    r->last_image = -1;
    if (!choose_format(r) || !make_fixed(r) || !make_pipeline(r)) {
        mz_fail_context("render");
        mz_render_destroy(r);
        return NULL;
    }
    write_sets(r);
    if (!target_build(r)) {
        mz_render_destroy(r);
        return NULL;
    }
    return r;
}

void mz_render_destroy(mz_render *r)
{
    if (!r) return;
    /* Destroying goes on whatever the waits say: a lost device holds
     * nothing to wait for, and its objects must be freed all the same. */
    for (int i = 0; i < FRAMES_IN_FLIGHT; i++)
        if (r->slots[i].fence) (void)wait_fence(r, r->slots[i].fence);
    queue_wait_idle(r);
    target_destroy(r);
    if (r->swapchain) vkDestroySwapchainKHR(r->dev, r->swapchain, NULL);
    for (int i = 0; i < FRAMES_IN_FLIGHT; i++) {
        frame_slot *s = &r->slots[i];
        if (s->fence) vkDestroyFence(r->dev, s->fence, NULL);
        if (s->acquired) vkDestroySemaphore(r->dev, s->acquired, NULL);
        mz_gpu_buffer_destroy(r->gpu, &s->frame_staging);
        mz_gpu_buffer_destroy(r->gpu, &s->overlay_staging);
    }
    mz_gpu_buffer_destroy(r->gpu, &r->readback);
    texture_destroy(r, &r->frames[0]);
    texture_destroy(r, &r->frames[1]);
    texture_destroy(r, &r->overlay);
    if (r->cmd_pool) vkDestroyCommandPool(r->dev, r->cmd_pool, NULL);
    if (r->pool) vkDestroyDescriptorPool(r->dev, r->pool, NULL);
    if (r->sampler) vkDestroySampler(r->dev, r->sampler, NULL);
    if (r->pipeline) vkDestroyPipeline(r->dev, r->pipeline, NULL);
    if (r->layout) vkDestroyPipelineLayout(r->dev, r->layout, NULL);
    if (r->set_layout) vkDestroyDescriptorSetLayout(r->dev, r->set_layout, NULL);
    if (r->pass) vkDestroyRenderPass(r->dev, r->pass, NULL);
    free(r);
}

void mz_render_resize(mz_render *r, int width, int height)
{
    if (width == r->want_w && height == r->want_h) return;
    r->want_w = width > 0 ? width : 0;
    r->want_h = height > 0 ? height : 0;
    r->recreate = true;
}

void mz_render_target_size(const mz_render *r, int *width, int *height)
{
    *width = (int)r->extent.width;
    *height = (int)r->extent.height;
}

void mz_render_crossfade(mz_render *r, double seconds)
{
    r->fade_s = seconds > 0 ? seconds : 0;
}

/* Copies rows into a slot's staging buffer, growing it when needed (after
 * the slot's last frame is done with it). */
static bool stage(mz_render *r, mz_gpu_buffer *b, const uint8_t *rgba, int w, int h, int pitch)
{
    VkDeviceSize size = (VkDeviceSize)w * (VkDeviceSize)h * 4;
    if (!host_buffer_reserve(r, b, size, VK_BUFFER_USAGE_TRANSFER_SRC_BIT, false)) return false;
    size_t row = (size_t)w * 4;
    if ((size_t)pitch == row) {
        memcpy(b->map, rgba, (size_t)size);
    } else {
        for (int y = 0; y < h; y++)
            memcpy((uint8_t *)b->map + (size_t)y * row, rgba + (size_t)y * (size_t)pitch, row);
    }
    return true;
}

bool mz_render_set_frame(mz_render *r, const uint8_t *rgba, int width, int height)
{
    if (!rgba || width <= 0 || height <= 0) return mz_fail("render: empty frame");
    frame_slot *s = &r->slots[r->slot];
    if (!wait_fence(r, s->fence)) return false;
    bool fade = r->fade_s > 0 && r->has_frame;
    if ((uint32_t)width != r->frames[r->current].img.width ||
        (uint32_t)height != r->frames[r->current].img.height) {
        /* New size: both textures are remade; the old picture is gone, so cut. */
        if (!wait_frames(r)) return false;
        for (int i = 0; i < FRAMES_IN_FLIGHT; i++)
            r->slots[i].frame_pending = false;
        if (!texture_create(r, &r->frames[0], width, height) ||
            !texture_create(r, &r->frames[1], width, height))
            return false;
        write_sets(r);
        fade = false;
    }
    if (fade) {
        /* The frame shown stays in its texture as "before"; the new one goes
         * to the other. */
        for (int i = 0; i < FRAMES_IN_FLIGHT; i++)
            r->slots[i].frame_pending = false;
        r->current ^= 1;
        r->fade_len_s = r->fade_s;
        r->fade_start_ns = mz_time_ns();
    }
    r->fade_s = 0;
    if (!stage(r, &s->frame_staging, rgba, width, height, width * 4)) return false;
    s->frame_pending = true;
    r->has_frame = true;
    return true;
}

bool mz_render_set_overlay(mz_render *r, const uint8_t *rgba, int width, int height, int pitch)
{
    frame_slot *s = &r->slots[r->slot];
    if (!rgba) {
        r->has_overlay = false;
        s->overlay_pending = false;
        return true;
    }
    if (width <= 0 || height <= 0 || pitch < width * 4)
        return mz_fail("render: bad overlay %dx%d pitch %d", width, height, pitch);
    if (!wait_fence(r, s->fence)) return false;
    if ((uint32_t)width != r->overlay.img.width || (uint32_t)height != r->overlay.img.height) {
        if (!wait_frames(r)) return false;
        for (int i = 0; i < FRAMES_IN_FLIGHT; i++)
            r->slots[i].overlay_pending = false;
        if (!texture_create(r, &r->overlay, width, height)) return false;
        write_sets(r);
    }
    if (!stage(r, &s->overlay_staging, rgba, width, height, pitch)) return false;
    s->overlay_pending = true;
    r->has_overlay = true;
    return true;
}

/* Where the frame goes in the target: as large as fits, aspect kept, centred. */
static void letterbox(const mz_render *r, float rect[4])
{
    float tw = (float)r->extent.width, th = (float)r->extent.height;
    const texture *f = &r->frames[r->current];
    float scale = tw / (float)f->img.width;
    if ((float)f->img.height * scale > th) scale = th / (float)f->img.height;
    float w = (float)f->img.width * scale / tw, h = (float)f->img.height * scale / th;
    rect[0] = (1.0f - w) * 0.5f;
    rect[1] = (1.0f - h) * 0.5f;
    rect[2] = rect[0] + w;
    rect[3] = rect[1] + h;
}

static void record_readback(mz_render *r, VkCommandBuffer cmd, VkImage image)
{
    /* Headless images already end the pass in TRANSFER_SRC; swapchain ones
     * go there and back to PRESENT_SRC. */
    VkImageLayout shown =
        r->surface ? VK_IMAGE_LAYOUT_PRESENT_SRC_KHR : VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
    mz_gpu_image_barrier(cmd, &(mz_gpu_barrier_desc){
                                  .image = image,
                                  .from = shown,
                                  .to = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
                                  .src_access = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT,
                                  .dst_access = VK_ACCESS_TRANSFER_READ_BIT,
                                  .src_stage = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT,
                                  .dst_stage = VK_PIPELINE_STAGE_TRANSFER_BIT,
                              });
    mz_gpu_record_readback(cmd, image, r->extent.width, r->extent.height, r->readback.buffer);
    if (!r->surface) return;
    mz_gpu_image_barrier(cmd, &(mz_gpu_barrier_desc){
                                  .image = image,
                                  .from = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
                                  .to = shown,
                                  .src_access = VK_ACCESS_TRANSFER_READ_BIT,
                                  .dst_access = 0,
                                  .src_stage = VK_PIPELINE_STAGE_TRANSFER_BIT,
                                  .dst_stage = VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT,
                              });
}

static bool present(mz_render *r, bool *presented, bool capture)
{
    *presented = false;
    frame_slot *s = &r->slots[r->slot];
    if (r->recreate && !target_build(r)) return false;
    if (r->image_count == 0) { /* minimised: try again when it has a size */
        r->recreate = r->surface != VK_NULL_HANDLE;
        return true;
    }
    if (!wait_fence(r, s->fence)) return false;

    uint32_t image;
    if (r->surface) {
        VkResult res = vkAcquireNextImageKHR(r->dev, r->swapchain, UINT64_MAX, s->acquired,
                                             VK_NULL_HANDLE, &image);
        if (res == VK_ERROR_OUT_OF_DATE_KHR) {
            r->recreate = true;
            return true;
        }
        if (res == VK_SUBOPTIMAL_KHR)
            r->recreate = true; /* the image was acquired: draw it, then rebuild */
        else if (!vk_check(res, "vkAcquireNextImageKHR"))
            return false;
    } else {
        image = r->slot % r->image_count;
    }
    if (capture &&
        !host_buffer_reserve(r, &r->readback, (VkDeviceSize)r->extent.width * r->extent.height * 4,
                             VK_BUFFER_USAGE_TRANSFER_DST_BIT, true))
        return false;

    vkResetFences(r->dev, 1, &s->fence);
    VkCommandBuffer cmd = s->cmd;
    vkResetCommandBuffer(cmd, 0);
    VkCommandBufferBeginInfo bi = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
                                   .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT};
    vkBeginCommandBuffer(cmd, &bi);
    static const VkClearColorValue black = {{0, 0, 0, 1}}, clear = {{0, 0, 0, 0}};
    for (int i = 0; i < 2; i++)
        if (!r->frames[i].ready) record_upload(cmd, &r->frames[i], NULL, &black);
    if (!r->overlay.ready) record_upload(cmd, &r->overlay, NULL, &clear);
    if (s->frame_pending) record_upload(cmd, &r->frames[r->current], &s->frame_staging, NULL);
    if (s->overlay_pending) record_upload(cmd, &r->overlay, &s->overlay_staging, NULL);
    s->frame_pending = s->overlay_pending = false;

    composite_push pc = {.has_frame = r->has_frame, .has_overlay = r->has_overlay, .fade = 1.0f};
    letterbox(r, pc.rect);
    pc.size[0] = (float)r->extent.width;
    pc.size[1] = (float)r->extent.height;
    if (r->fade_len_s > 0) {
        double t = mz_time_ms_since(r->fade_start_ns) / 1000.0 / r->fade_len_s;
        if (t >= 1.0)
            r->fade_len_s = 0;
        else
            pc.fade = (float)t;
    }
    mz_gpu_begin_fullscreen(cmd, r->pass, r->framebuffers[image], r->extent,
                            (VkRect2D){{0, 0}, r->extent}, r->pipeline);
    vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, r->layout, 0, 1,
                            &r->sets[r->current], 0, NULL);
    vkCmdPushConstants(cmd, r->layout, VK_SHADER_STAGE_FRAGMENT_BIT, 0, sizeof pc, &pc);
    vkCmdDraw(cmd, 3, 1, 0, 0);
    vkCmdEndRenderPass(cmd);
    if (capture) record_readback(r, cmd, r->images[image]);
    if (!vk_check(vkEndCommandBuffer(cmd), "vkEndCommandBuffer")) return false;

    VkPipelineStageFlags wait_stage = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT;
    VkSubmitInfo si = {
        .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
        .waitSemaphoreCount = r->surface ? 1 : 0,
        .pWaitSemaphores = &s->acquired,
        .pWaitDstStageMask = &wait_stage,
        .commandBufferCount = 1,
        .pCommandBuffers = &cmd,
        .signalSemaphoreCount = r->surface ? 1 : 0,
        .pSignalSemaphores = &r->rendered[image],
    };
    mz_gpu_queue_lock(r->gpu);
    VkResult res = vkQueueSubmit(mz_gpu_queue(r->gpu), 1, &si, s->fence);
    VkResult pres = VK_SUCCESS;
    if (res == VK_SUCCESS && r->surface) {
        VkPresentInfoKHR pi = {
            .sType = VK_STRUCTURE_TYPE_PRESENT_INFO_KHR,
            .waitSemaphoreCount = 1,
            .pWaitSemaphores = &r->rendered[image],
            .swapchainCount = 1,
            .pSwapchains = &r->swapchain,
            .pImageIndices = &image,
        };
        pres = vkQueuePresentKHR(mz_gpu_queue(r->gpu), &pi);
    }
    mz_gpu_queue_unlock(r->gpu);
    if (!vk_check(res, "vkQueueSubmit")) return false;
    r->slot = (r->slot + 1) % FRAMES_IN_FLIGHT;
    r->last_image = (int)image;
    if (pres == VK_ERROR_OUT_OF_DATE_KHR || pres == VK_SUBOPTIMAL_KHR)
        r->recreate = true;
    else if (!vk_check(pres, "vkQueuePresentKHR"))
        return false;
    /* A capture is read by the caller now: only once the GPU is done. */
    if (capture && !wait_fence(r, s->fence)) return false;
    *presented = true;
    return true;
}

bool mz_render_present(mz_render *r, bool *presented)
{
    bool dummy;
    return present(r, presented ? presented : &dummy, false);
}

bool mz_render_needs_present(const mz_render *r)
{
    const frame_slot *s = &r->slots[r->slot];
    return s->frame_pending || s->overlay_pending || r->fade_len_s > 0 || r->recreate ||
           r->last_image < 0;
}

uint8_t *mz_render_screenshot(mz_render *r, int *width, int *height)
{
    if (!r->can_read_back && r->image_count) {
        mz_fail("render: this surface cannot be read back (no TRANSFER_SRC usage)");
        return NULL;
    }
    bool presented = false;
    /* A rebuild or a minimised window presents nothing: a few tries cover a
     * rebuild; minimised stays an error. */
    for (int tries = 0; tries < 3 && !presented; tries++)
        if (!present(r, &presented, true)) return NULL;
    if (!presented) {
        mz_fail("render: nothing was presented (minimised?)");
        return NULL;
    }
    size_t n = (size_t)r->extent.width * r->extent.height;
    uint8_t *out = malloc(n * 4);
    if (!out) {
        mz_fail("render: out of memory");
        return NULL;
    }
    const uint8_t *src = r->readback.map;
    bool bgra = r->format == VK_FORMAT_B8G8R8A8_UNORM || r->format == VK_FORMAT_B8G8R8A8_SRGB;
    for (size_t i = 0; i < n; i++) {
        out[i * 4 + 0] = src[i * 4 + (bgra ? 2 : 0)];
        out[i * 4 + 1] = src[i * 4 + 1];
        out[i * 4 + 2] = src[i * 4 + (bgra ? 0 : 2)];
        out[i * 4 + 3] = 255;
    }
    *width = (int)r->extent.width;
    *height = (int)r->extent.height;
    return out;
}
