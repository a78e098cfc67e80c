/* The procedural generator's Vulkan side: a fullscreen fragment pass into an
 * offscreen image, copied to a host buffer. A fragment shader rather than a
 * compute one: on lavapipe it is the faster of the two (platform.md).
 *
 * One frame in flight: render, wait, hand back the pixels. On lavapipe the
 * "GPU" is the same two cores, so overlapping frames would not add speed.
 * A frame is drawn in horizontal bands, one submit each, so a frame whose
 * scene was superseded stops at the next band instead of holding the new
 * scene's first frame back for a whole frame. */
#include "procedural_internal.h"

#include "mz_error.h"

#include "fullscreen_vert.h"
#include "landscape_frag.h"

#include <stdlib.h>
#include <string.h>

#define FORMAT VK_FORMAT_R8G8B8A8_UNORM
#define BANDS 4

typedef struct buffer {
    VkBuffer buf;
    VkDeviceMemory mem;
    void *map;
    VkDeviceSize size;
    bool coherent;
} buffer;

typedef struct image {
    VkImage img;
    VkDeviceMemory mem;
    VkImageView view;
    uint32_t width, height;
} image;

struct proc_vk {
    mz_gpu *gpu;
    VkDevice dev;
    VkRenderPass pass;      /* the first band: the image's old contents are not needed */
    VkRenderPass pass_keep; /* later bands: the bands drawn before stay */
    VkDescriptorSetLayout set_layout;
    VkPipelineLayout layout;
    VkPipeline pipeline;
    VkDescriptorPool pool;
    VkDescriptorSet set;
    VkSampler sampler;
    VkCommandPool cmd_pool;
    VkCommandBuffer cmd;
    VkFence fence;
    buffer uniforms;

    image target; /* drawn at the internal size */
    image output; /* the frame size, when that differs: target scaled up */
    VkFramebuffer framebuffer;
    buffer readback;

    image cond;
    buffer staging;
    bool cond_dirty; /* staging holds pixels not yet copied to cond */
};

static bool vk_ok(VkResult r, const char *what)
{
    return r == VK_SUCCESS ? true : mz_fail("procedural: %s failed (VkResult %d)", what, r);
}

static bool alloc_memory(proc_vk *vk, VkMemoryRequirements req, VkMemoryPropertyFlags want,
                         VkMemoryPropertyFlags fallback, VkDeviceMemory *out, bool *coherent)
{
    int type = mz_gpu_memory_type(vk->gpu, req.memoryTypeBits, want);
    if (type < 0) type = mz_gpu_memory_type(vk->gpu, req.memoryTypeBits, fallback);
    if (type < 0) return mz_fail("procedural: no suitable memory type");
    if (coherent) {
        VkPhysicalDeviceMemoryProperties props;
        vkGetPhysicalDeviceMemoryProperties(mz_gpu_physical(vk->gpu), &props);
        *coherent = props.memoryTypes[type].propertyFlags & VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
    }
    VkMemoryAllocateInfo info = {
        .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
        .allocationSize = req.size,
        .memoryTypeIndex = (uint32_t)type,
    };
    return vk_ok(vkAllocateMemory(vk->dev, &info, NULL, out), "vkAllocateMemory");
}

/* A host-visible buffer, mapped for its whole life. `cached` prefers memory
 * that is fast to read back from (invalidated after each frame if it is not
 * coherent). */
static bool buffer_create(proc_vk *vk, buffer *b, VkDeviceSize size, VkBufferUsageFlags usage,
                          bool cached, const char *name)
{
    memset(b, 0, sizeof *b);
    VkBufferCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
        .size = size,
        .usage = usage,
        .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
    };
    if (!vk_ok(vkCreateBuffer(vk->dev, &info, NULL, &b->buf), "vkCreateBuffer")) return false;
    mz_gpu_name(vk->gpu, VK_OBJECT_TYPE_BUFFER, (uint64_t)b->buf, name);
    VkMemoryRequirements req;
    vkGetBufferMemoryRequirements(vk->dev, b->buf, &req);
    const VkMemoryPropertyFlags coherent =
        VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
    VkMemoryPropertyFlags want =
        cached ? VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_CACHED_BIT
               : coherent;
    if (!alloc_memory(vk, req, want, coherent, &b->mem, &b->coherent)) return false;
    b->size = size;
    return vk_ok(vkBindBufferMemory(vk->dev, b->buf, b->mem, 0), "vkBindBufferMemory") &&
           vk_ok(vkMapMemory(vk->dev, b->mem, 0, VK_WHOLE_SIZE, 0, &b->map), "vkMapMemory");
}

static void buffer_destroy(proc_vk *vk, buffer *b)
{
    if (b->buf) vkDestroyBuffer(vk->dev, b->buf, NULL);
    if (b->mem) vkFreeMemory(vk->dev, b->mem, NULL);
    memset(b, 0, sizeof *b);
}

static bool image_create(proc_vk *vk, image *im, uint32_t w, uint32_t h, VkImageUsageFlags usage,
                         const char *name)
{
    memset(im, 0, sizeof *im);
    VkImageCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO,
        .imageType = VK_IMAGE_TYPE_2D,
        .format = FORMAT,
        .extent = {w, h, 1},
        .mipLevels = 1,
        .arrayLayers = 1,
        .samples = VK_SAMPLE_COUNT_1_BIT,
        .tiling = VK_IMAGE_TILING_OPTIMAL,
        .usage = usage,
        .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
        .initialLayout = VK_IMAGE_LAYOUT_UNDEFINED,
    };
    if (!vk_ok(vkCreateImage(vk->dev, &info, NULL, &im->img), "vkCreateImage")) return false;
    mz_gpu_name(vk->gpu, VK_OBJECT_TYPE_IMAGE, (uint64_t)im->img, name);
    VkMemoryRequirements req;
    vkGetImageMemoryRequirements(vk->dev, im->img, &req);
    if (!alloc_memory(vk, req, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, 0, &im->mem, NULL) ||
        !vk_ok(vkBindImageMemory(vk->dev, im->img, im->mem, 0), "vkBindImageMemory"))
        return false;
    im->width = w;
    im->height = h;
    /* Only images that are drawn to or sampled need a view. */
    if (!(usage & (VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_SAMPLED_BIT))) return true;
    VkImageViewCreateInfo view = {
        .sType = VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO,
        .image = im->img,
        .viewType = VK_IMAGE_VIEW_TYPE_2D,
        .format = FORMAT,
        .subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1},
    };
    return vk_ok(vkCreateImageView(vk->dev, &view, NULL, &im->view), "vkCreateImageView");
}

static void image_destroy(proc_vk *vk, image *im)
{
    if (im->view) vkDestroyImageView(vk->dev, im->view, NULL);
    if (im->img) vkDestroyImage(vk->dev, im->img, NULL);
    if (im->mem) vkFreeMemory(vk->dev, im->mem, NULL);
    memset(im, 0, sizeof *im);
}

static VkShaderModule shader(proc_vk *vk, const uint32_t *code, size_t bytes)
{
    VkShaderModuleCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO,
        .codeSize = bytes,
        .pCode = code,
    };
    VkShaderModule m = VK_NULL_HANDLE;
    vk_ok(vkCreateShaderModule(vk->dev, &info, NULL, &m), "vkCreateShaderModule");
    return m;
}

/* Both passes leave the image ready to copy from; `initial` is the layout
 * the image is in before (UNDEFINED discards its contents). */
static bool create_pass(proc_vk *vk, VkImageLayout initial, VkRenderPass *out)
{
    VkAttachmentDescription color = {
        .format = FORMAT,
        .samples = VK_SAMPLE_COUNT_1_BIT,
        .loadOp = VK_ATTACHMENT_LOAD_OP_DONT_CARE, /* every pixel of the band is drawn */
        .storeOp = VK_ATTACHMENT_STORE_OP_STORE,
        .stencilLoadOp = VK_ATTACHMENT_LOAD_OP_DONT_CARE,
        .stencilStoreOp = VK_ATTACHMENT_STORE_OP_DONT_CARE,
        .initialLayout = initial,
        .finalLayout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
    };
    VkAttachmentReference ref = {0, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL};
    VkSubpassDescription sub = {
        .pipelineBindPoint = VK_PIPELINE_BIND_POINT_GRAPHICS,
        .colorAttachmentCount = 1,
        .pColorAttachments = &ref,
    };
    VkSubpassDependency deps[2] = {
        {/* the previous frame's copy reads the image before this frame writes it */
         .srcSubpass = VK_SUBPASS_EXTERNAL,
         .dstSubpass = 0,
         .srcStageMask = VK_PIPELINE_STAGE_TRANSFER_BIT,
         .dstStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT,
         .srcAccessMask = VK_ACCESS_TRANSFER_READ_BIT,
         .dstAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT},
        {/* the copy to the readback buffer waits for the drawing */
         .srcSubpass = 0,
         .dstSubpass = VK_SUBPASS_EXTERNAL,
         .srcStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT,
         .dstStageMask = VK_PIPELINE_STAGE_TRANSFER_BIT,
         .srcAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT,
         .dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT},
    };
    VkRenderPassCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_RENDER_PASS_CREATE_INFO,
        .attachmentCount = 1,
        .pAttachments = &color,
        .subpassCount = 1,
        .pSubpasses = &sub,
        .dependencyCount = 2,
        .pDependencies = deps,
    };
    return vk_ok(vkCreateRenderPass(vk->dev, &info, NULL, out), "vkCreateRenderPass");
}

static bool create_pipeline(proc_vk *vk)
{
    VkDescriptorSetLayoutBinding bindings[2] = {
        {0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_FRAGMENT_BIT, NULL},
        {1, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 1, VK_SHADER_STAGE_FRAGMENT_BIT, NULL},
    };
    VkDescriptorSetLayoutCreateInfo set_info = {
        .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO,
        .bindingCount = 2,
        .pBindings = bindings,
    };
    if (!vk_ok(vkCreateDescriptorSetLayout(vk->dev, &set_info, NULL, &vk->set_layout),
               "vkCreateDescriptorSetLayout"))
        return false;
    VkPipelineLayoutCreateInfo layout_info = {
        .sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO,
        .setLayoutCount = 1,
        .pSetLayouts = &vk->set_layout,
    };
    if (!vk_ok(vkCreatePipelineLayout(vk->dev, &layout_info, NULL, &vk->layout),
               "vkCreatePipelineLayout"))
        return false;

    VkShaderModule vert = shader(vk, fullscreen_vert, sizeof fullscreen_vert);
    VkShaderModule frag = shader(vk, landscape_frag, sizeof landscape_frag);
    bool ok = vert && frag;
    if (ok) {
        VkPipelineShaderStageCreateInfo stages[2] = {
            {.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO,
             .stage = VK_SHADER_STAGE_VERTEX_BIT,
             .module = vert,
             .pName = "main"},
            {.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO,
             .stage = VK_SHADER_STAGE_FRAGMENT_BIT,
             .module = frag,
             .pName = "main"},
        };
        VkPipelineVertexInputStateCreateInfo vertex = {
            .sType = VK_STRUCTURE_TYPE_PIPELINE_VERTEX_INPUT_STATE_CREATE_INFO};
        VkPipelineInputAssemblyStateCreateInfo assembly = {
            .sType = VK_STRUCTURE_TYPE_PIPELINE_INPUT_ASSEMBLY_STATE_CREATE_INFO,
            .topology = VK_PRIMITIVE_TOPOLOGY_TRIANGLE_LIST};
        VkPipelineViewportStateCreateInfo viewport = {
            .sType = VK_STRUCTURE_TYPE_PIPELINE_VIEWPORT_STATE_CREATE_INFO,
            .viewportCount = 1,
            .scissorCount = 1};
        VkPipelineRasterizationStateCreateInfo raster = {
            .sType = VK_STRUCTURE_TYPE_PIPELINE_RASTERIZATION_STATE_CREATE_INFO,
            .polygonMode = VK_POLYGON_MODE_FILL,
            .cullMode = VK_CULL_MODE_NONE,
            .lineWidth = 1.0f};
        VkPipelineMultisampleStateCreateInfo multisample = {
            .sType = VK_STRUCTURE_TYPE_PIPELINE_MULTISAMPLE_STATE_CREATE_INFO,
            .rasterizationSamples = VK_SAMPLE_COUNT_1_BIT};
        VkPipelineColorBlendAttachmentState blend_att = {
            .colorWriteMask = VK_COLOR_COMPONENT_R_BIT | VK_COLOR_COMPONENT_G_BIT |
                              VK_COLOR_COMPONENT_B_BIT | VK_COLOR_COMPONENT_A_BIT};
        VkPipelineColorBlendStateCreateInfo blend = {
            .sType = VK_STRUCTURE_TYPE_PIPELINE_COLOR_BLEND_STATE_CREATE_INFO,
            .attachmentCount = 1,
            .pAttachments = &blend_att};
        VkDynamicState dyn_states[] = {VK_DYNAMIC_STATE_VIEWPORT, VK_DYNAMIC_STATE_SCISSOR};
        VkPipelineDynamicStateCreateInfo dynamic = {
            .sType = VK_STRUCTURE_TYPE_PIPELINE_DYNAMIC_STATE_CREATE_INFO,
            .dynamicStateCount = 2,
            .pDynamicStates = dyn_states};
        VkGraphicsPipelineCreateInfo info = {
            .sType = VK_STRUCTURE_TYPE_GRAPHICS_PIPELINE_CREATE_INFO,
            .stageCount = 2,
            .pStages = stages,
            .pVertexInputState = &vertex,
            .pInputAssemblyState = &assembly,
            .pViewportState = &viewport,
            .pRasterizationState = &raster,
            .pMultisampleState = &multisample,
            .pColorBlendState = &blend,
            .pDynamicState = &dynamic,
            .layout = vk->layout,
            .renderPass = vk->pass,
        };
        ok =
            vk_ok(vkCreateGraphicsPipelines(vk->dev, VK_NULL_HANDLE, 1, &info, NULL, &vk->pipeline),
                  "vkCreateGraphicsPipelines");
    }
    if (vert) vkDestroyShaderModule(vk->dev, vert, NULL);
    if (frag) vkDestroyShaderModule(vk->dev, frag, NULL);
    if (ok)
        mz_gpu_name(vk->gpu, VK_OBJECT_TYPE_PIPELINE, (uint64_t)vk->pipeline,
                    "procedural landscape");
    return ok;
}

static bool create_descriptors(proc_vk *vk)
{
    VkDescriptorPoolSize sizes[2] = {
        {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1},
        {VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 1},
    };
    VkDescriptorPoolCreateInfo pool = {
        .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
        .maxSets = 1,
        .poolSizeCount = 2,
        .pPoolSizes = sizes,
    };
    if (!vk_ok(vkCreateDescriptorPool(vk->dev, &pool, NULL, &vk->pool), "vkCreateDescriptorPool"))
        return false;
    VkDescriptorSetAllocateInfo alloc = {
        .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
        .descriptorPool = vk->pool,
        .descriptorSetCount = 1,
        .pSetLayouts = &vk->set_layout,
    };
    if (!vk_ok(vkAllocateDescriptorSets(vk->dev, &alloc, &vk->set), "vkAllocateDescriptorSets"))
        return false;
    VkSamplerCreateInfo sampler = {
        .sType = VK_STRUCTURE_TYPE_SAMPLER_CREATE_INFO,
        .magFilter = VK_FILTER_LINEAR,
        .minFilter = VK_FILTER_LINEAR,
        .mipmapMode = VK_SAMPLER_MIPMAP_MODE_NEAREST,
        .addressModeU = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE,
        .addressModeV = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE,
        .addressModeW = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE,
    };
    if (!vk_ok(vkCreateSampler(vk->dev, &sampler, NULL, &vk->sampler), "vkCreateSampler"))
        return false;
    VkDescriptorBufferInfo ubo = {vk->uniforms.buf, 0, sizeof(proc_uniforms)};
    VkWriteDescriptorSet write = {
        .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
        .dstSet = vk->set,
        .dstBinding = 0,
        .descriptorCount = 1,
        .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
        .pBufferInfo = &ubo,
    };
    vkUpdateDescriptorSets(vk->dev, 1, &write, 0, NULL);
    return true;
}

static bool create_commands(proc_vk *vk)
{
    VkCommandPoolCreateInfo pool = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
        .flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT,
        .queueFamilyIndex = mz_gpu_queue_family(vk->gpu),
    };
    if (!vk_ok(vkCreateCommandPool(vk->dev, &pool, NULL, &vk->cmd_pool), "vkCreateCommandPool"))
        return false;
    VkCommandBufferAllocateInfo alloc = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
        .commandPool = vk->cmd_pool,
        .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
        .commandBufferCount = 1,
    };
    VkFenceCreateInfo fence = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    return vk_ok(vkAllocateCommandBuffers(vk->dev, &alloc, &vk->cmd), "vkAllocateCommandBuffers") &&
           vk_ok(vkCreateFence(vk->dev, &fence, NULL, &vk->fence), "vkCreateFence");
}

proc_vk *proc_vk_create(mz_gpu *gpu)
{
    proc_vk *vk = calloc(1, sizeof *vk);
    if (!vk) {
        mz_fail("procedural: out of memory");
        return NULL;
    }
    vk->gpu = gpu;
    vk->dev = mz_gpu_device(gpu);
    static const uint8_t black[4] = {0, 0, 0, 255};
    if (!buffer_create(vk, &vk->uniforms, sizeof(proc_uniforms), VK_BUFFER_USAGE_STORAGE_BUFFER_BIT,
                       false, "procedural uniforms") ||
        !create_pass(vk, VK_IMAGE_LAYOUT_UNDEFINED, &vk->pass) ||
        !create_pass(vk, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, &vk->pass_keep) ||
        !create_pipeline(vk) || !create_descriptors(vk) || !create_commands(vk) ||
        !proc_vk_set_conditioning(vk, black, 1, 1)) {
        proc_vk_destroy(vk);
        return NULL;
    }
    return vk;
}

static void destroy_target(proc_vk *vk)
{
    if (vk->framebuffer) vkDestroyFramebuffer(vk->dev, vk->framebuffer, NULL);
    vk->framebuffer = VK_NULL_HANDLE;
    image_destroy(vk, &vk->target);
    image_destroy(vk, &vk->output);
    buffer_destroy(vk, &vk->readback);
}

void proc_vk_destroy(proc_vk *vk)
{
    if (!vk) return;
    destroy_target(vk);
    image_destroy(vk, &vk->cond);
    buffer_destroy(vk, &vk->staging);
    buffer_destroy(vk, &vk->uniforms);
    if (vk->fence) vkDestroyFence(vk->dev, vk->fence, NULL);
    if (vk->cmd_pool) vkDestroyCommandPool(vk->dev, vk->cmd_pool, NULL);
    if (vk->sampler) vkDestroySampler(vk->dev, vk->sampler, NULL);
    if (vk->pool) vkDestroyDescriptorPool(vk->dev, vk->pool, NULL);
    if (vk->pipeline) vkDestroyPipeline(vk->dev, vk->pipeline, NULL);
    if (vk->layout) vkDestroyPipelineLayout(vk->dev, vk->layout, NULL);
    if (vk->set_layout) vkDestroyDescriptorSetLayout(vk->dev, vk->set_layout, NULL);
    if (vk->pass) vkDestroyRenderPass(vk->dev, vk->pass, NULL);
    if (vk->pass_keep) vkDestroyRenderPass(vk->dev, vk->pass_keep, NULL);
    free(vk);
}

static bool make_target(proc_vk *vk, uint32_t w, uint32_t h, uint32_t iw, uint32_t ih)
{
    destroy_target(vk);
    bool scaled = iw != w || ih != h;
    if (!image_create(vk, &vk->target, iw, ih,
                      VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT,
                      "procedural target") ||
        (scaled && !image_create(vk, &vk->output, w, h,
                                 VK_IMAGE_USAGE_TRANSFER_DST_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT,
                                 "procedural output")) ||
        !buffer_create(vk, &vk->readback, (VkDeviceSize)w * h * 4, VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                       true, "procedural readback"))
        return false;
    VkFramebufferCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_FRAMEBUFFER_CREATE_INFO,
        .renderPass = vk->pass,
        .attachmentCount = 1,
        .pAttachments = &vk->target.view,
        .width = iw,
        .height = ih,
        .layers = 1,
    };
    return vk_ok(vkCreateFramebuffer(vk->dev, &info, NULL, &vk->framebuffer),
                 "vkCreateFramebuffer");
}

bool proc_vk_set_conditioning(proc_vk *vk, const uint8_t *rgba, uint32_t w, uint32_t h)
{
    VkDeviceSize bytes = (VkDeviceSize)w * h * 4;
    if (vk->staging.size < bytes) {
        buffer_destroy(vk, &vk->staging);
        if (!buffer_create(vk, &vk->staging, bytes, VK_BUFFER_USAGE_TRANSFER_SRC_BIT, false,
                           "procedural conditioning staging"))
            return false;
    }
    if (vk->cond.width != w || vk->cond.height != h) {
        image_destroy(vk, &vk->cond);
        if (!image_create(vk, &vk->cond, w, h,
                          VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT,
                          "procedural conditioning"))
            return false;
        VkDescriptorImageInfo img = {vk->sampler, vk->cond.view,
                                     VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL};
        VkWriteDescriptorSet write = {
            .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
            .dstSet = vk->set,
            .dstBinding = 1,
            .descriptorCount = 1,
            .descriptorType = VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER,
            .pImageInfo = &img,
        };
        vkUpdateDescriptorSets(vk->dev, 1, &write, 0, NULL);
    }
    memcpy(vk->staging.map, rgba, (size_t)bytes);
    vk->cond_dirty = true;
    return true;
}

static void record_conditioning_upload(proc_vk *vk)
{
    VkImageMemoryBarrier to_dst = {
        .sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER,
        .srcAccessMask = VK_ACCESS_SHADER_READ_BIT,
        .dstAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT,
        .oldLayout = VK_IMAGE_LAYOUT_UNDEFINED,
        .newLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
        .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
        .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
        .image = vk->cond.img,
        .subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1},
    };
    vkCmdPipelineBarrier(vk->cmd, VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT,
                         VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 0, NULL, 0, NULL, 1, &to_dst);
    VkBufferImageCopy copy = {
        .imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1},
        .imageExtent = {vk->cond.width, vk->cond.height, 1},
    };
    vkCmdCopyBufferToImage(vk->cmd, vk->staging.buf, vk->cond.img,
                           VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &copy);
    VkImageMemoryBarrier to_read = to_dst;
    to_read.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    to_read.dstAccessMask = VK_ACCESS_SHADER_READ_BIT;
    to_read.oldLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL;
    to_read.newLayout = VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL;
    vkCmdPipelineBarrier(vk->cmd, VK_PIPELINE_STAGE_TRANSFER_BIT,
                         VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT, 0, 0, NULL, 0, NULL, 1, &to_read);
}

static void image_barrier(proc_vk *vk, VkImage img, VkImageLayout from, VkImageLayout to,
                          VkAccessFlags src_access, VkAccessFlags dst_access)
{
    VkImageMemoryBarrier b = {
        .sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER,
        .srcAccessMask = src_access,
        .dstAccessMask = dst_access,
        .oldLayout = from,
        .newLayout = to,
        .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
        .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
        .image = img,
        .subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1},
    };
    vkCmdPipelineBarrier(vk->cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, 0,
                         0, NULL, 0, NULL, 1, &b);
}

/* Scales the drawn image up to the frame size (bilinear) and leaves the
 * result ready to copy from. */
static void record_upscale(proc_vk *vk)
{
    image_barrier(vk, vk->output.img, VK_IMAGE_LAYOUT_UNDEFINED,
                  VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, VK_ACCESS_TRANSFER_READ_BIT,
                  VK_ACCESS_TRANSFER_WRITE_BIT);
    VkImageBlit blit = {
        .srcSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1},
        .srcOffsets = {{0, 0, 0}, {(int32_t)vk->target.width, (int32_t)vk->target.height, 1}},
        .dstSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1},
        .dstOffsets = {{0, 0, 0}, {(int32_t)vk->output.width, (int32_t)vk->output.height, 1}},
    };
    vkCmdBlitImage(vk->cmd, vk->target.img, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, vk->output.img,
                   VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &blit, VK_FILTER_LINEAR);
    image_barrier(vk, vk->output.img, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
                  VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, VK_ACCESS_TRANSFER_WRITE_BIT,
                  VK_ACCESS_TRANSFER_READ_BIT);
}

/* Records the copy of the finished frame to the readback buffer. */
static void record_readback(proc_vk *vk, uint32_t w, uint32_t h, bool scaled)
{
    if (scaled) record_upscale(vk);
    VkBufferImageCopy copy = {
        .imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1},
        .imageExtent = {w, h, 1},
    };
    vkCmdCopyImageToBuffer(vk->cmd, scaled ? vk->output.img : vk->target.img,
                           VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, vk->readback.buf, 1, &copy);
    VkBufferMemoryBarrier to_host = {
        .sType = VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER,
        .srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT,
        .dstAccessMask = VK_ACCESS_HOST_READ_BIT,
        .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
        .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
        .buffer = vk->readback.buf,
        .size = VK_WHOLE_SIZE,
    };
    vkCmdPipelineBarrier(vk->cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 0,
                         NULL, 1, &to_host, 0, NULL);
}

/* Ends the command buffer, submits it and waits for it. */
static bool submit_and_wait(proc_vk *vk)
{
    if (!vk_ok(vkEndCommandBuffer(vk->cmd), "vkEndCommandBuffer")) return false;
    VkSubmitInfo submit = {
        .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
        .commandBufferCount = 1,
        .pCommandBuffers = &vk->cmd,
    };
    mz_gpu_queue_lock(vk->gpu);
    VkResult r = vkQueueSubmit(mz_gpu_queue(vk->gpu), 1, &submit, vk->fence);
    mz_gpu_queue_unlock(vk->gpu);
    if (!vk_ok(r, "vkQueueSubmit")) return false;
    r = vkWaitForFences(vk->dev, 1, &vk->fence, VK_TRUE, UINT64_MAX);
    vkResetFences(vk->dev, 1, &vk->fence);
    return vk_ok(r, "vkWaitForFences");
}

bool proc_vk_render(proc_vk *vk, const proc_uniforms *u, uint32_t w, uint32_t h, uint32_t iw,
                    uint32_t ih, const atomic_bool *stop, const uint8_t **out)
{
    *out = NULL;
    bool scaled = iw != w || ih != h;
    bool remade = vk->target.width != iw || vk->target.height != ih ||
                  (scaled && (vk->output.width != w || vk->output.height != h)) ||
                  (!scaled && vk->output.img);
    if (remade && !make_target(vk, w, h, iw, ih)) return false;
    memcpy(vk->uniforms.map, u, sizeof *u);

    VkCommandBufferBeginInfo begin = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
        .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT,
    };
    VkViewport viewport = {0, 0, (float)iw, (float)ih, 0, 1};
    uint32_t bands = ih < BANDS ? 1 : BANDS;
    for (uint32_t band = 0; band < bands; band++) {
        /* A frame that remade the targets is finished: the last frame's
         * pixels went with the old readback buffer. */
        if (band > 0 && !remade && atomic_load(stop)) return true;
        uint32_t y0 = ih * band / bands, y1 = ih * (band + 1) / bands;
        VkRect2D area = {{0, (int32_t)y0}, {iw, y1 - y0}};
        if (!vk_ok(vkBeginCommandBuffer(vk->cmd, &begin), "vkBeginCommandBuffer")) return false;
        if (vk->cond_dirty) record_conditioning_upload(vk);
        VkRenderPassBeginInfo pass = {
            .sType = VK_STRUCTURE_TYPE_RENDER_PASS_BEGIN_INFO,
            .renderPass = band ? vk->pass_keep : vk->pass,
            .framebuffer = vk->framebuffer,
            .renderArea = area,
        };
        vkCmdBeginRenderPass(vk->cmd, &pass, VK_SUBPASS_CONTENTS_INLINE);
        vkCmdBindPipeline(vk->cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, vk->pipeline);
        vkCmdSetViewport(vk->cmd, 0, 1, &viewport);
        vkCmdSetScissor(vk->cmd, 0, 1, &area);
        vkCmdBindDescriptorSets(vk->cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, vk->layout, 0, 1,
                                &vk->set, 0, NULL);
        vkCmdDraw(vk->cmd, 3, 1, 0, 0);
        vkCmdEndRenderPass(vk->cmd);
        if (band == bands - 1) record_readback(vk, w, h, scaled);
        if (!submit_and_wait(vk)) return false;
        vk->cond_dirty = false;
    }
    if (!vk->readback.coherent) {
        VkMappedMemoryRange range = {
            .sType = VK_STRUCTURE_TYPE_MAPPED_MEMORY_RANGE,
            .memory = vk->readback.mem,
            .size = VK_WHOLE_SIZE,
        };
        vkInvalidateMappedMemoryRanges(vk->dev, 1, &range);
    }
    *out = vk->readback.map;
    return true;
}
