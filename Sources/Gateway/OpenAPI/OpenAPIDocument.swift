/// The OpenAPI 3.1 document of the whole API (CONTRACT.md), served at `GET /openapi.json`.
/// Kept as one JSON literal, so that what is served is exactly what is read here; `scripts/fuzz.sh`
/// checks the running gateway against it. Change it together with the routes it describes.
enum OpenAPIDocument {
    static let json = #"""
{
 "openapi": "3.1.0",
 "info": {
  "title": "omnimeter",
  "version": "1.0.0",
  "description": "A multi-tenant usage and cost-accounting gateway in front of the Kling Omni API. Tenants call the Kling-compatible routes with their own key; every create is priced from a versioned price book and reserved before it goes upstream, then charged (the actual cost, never more than reserved) or released, exactly once. Amounts are integer micro-units (`_micros`) of the price book's currency. Tenant API errors are `{code, message, request_id}` with the upstream's codes; admin API errors are `{error: {code, message}}`."
 },
 "servers": [{"url": "/"}],
 "tags": [
  {"name": "Tenant API", "description": "Kling compatible, `Authorization: Bearer <tenant key>`"},
  {
   "name": "Admin API",
   "description": "`Authorization: Bearer <admin token>`; role admin (everything) or finance (read-only)"
  },
  {"name": "Operations"},
  {"name": "Upstream"}
 ],
 "paths": {
  "/kling/v1/videos/omni-video": {
   "post": {
    "operationId": "createVideoTask",
    "tags": ["Tenant API"],
    "summary": "Create a video task: validate, price, reserve, submit upstream",
    "security": [{"TenantKey": []}],
    "parameters": [
     {
      "name": "Idempotency-Key",
      "in": "header",
      "required": false,
      "schema": {"type": "string", "minLength": 1, "maxLength": 255},
      "description": "the same key and body answer the first response and create nothing; another body is 409"
     }
    ],
    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/VideoCreateRequest"}}}, "required": true},
    "responses": {
     "200": {
      "description": "created and submitted (task_status submitted); billing.state reserved",
      "content": {
       "application/json": {
        "schema": {
         "allOf": [
          {"$ref": "#/components/schemas/KlingEnvelope"},
          {"type": "object", "required": ["data"], "properties": {"data": {"$ref": "#/components/schemas/Task"}}}
         ]
        }
       }
      },
      "links": {
       "GetTask": {
        "operationId": "getVideoTask",
        "parameters": {"id": "$response.body#/data/task_id"},
        "description": "the task just created"
       }
      }
     },
     "400": {"$ref": "#/components/responses/TenantBadRequest"},
     "401": {"$ref": "#/components/responses/TenantUnauthorized"},
     "403": {"$ref": "#/components/responses/TenantForbidden"},
     "409": {"$ref": "#/components/responses/IdempotencyConflict"},
     "413": {"$ref": "#/components/responses/BodyTooLarge"},
     "429": {"$ref": "#/components/responses/TenantLimited"},
     "502": {"$ref": "#/components/responses/UpstreamFailed"},
     "503": {"$ref": "#/components/responses/DatabaseUnavailable"},
     "default": {"$ref": "#/components/responses/TenantError"}
    }
   },
   "get": {
    "operationId": "listVideoTasks",
    "tags": ["Tenant API"],
    "summary": "The tenant's video tasks, newest first",
    "security": [{"TenantKey": []}],
    "parameters": [
     {
      "name": "pageNum",
      "in": "query",
      "required": false,
      "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 1},
      "description": "page number"
     },
     {
      "name": "pageSize",
      "in": "query",
      "required": false,
      "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 30},
      "description": "tasks per page"
     }
    ],
    "responses": {
     "200": {
      "description": "a page of tasks",
      "content": {
       "application/json": {
        "schema": {
         "allOf": [
          {"$ref": "#/components/schemas/KlingEnvelope"},
          {
           "type": "object",
           "required": ["data"],
           "properties": {"data": {"type": "array", "items": {"$ref": "#/components/schemas/Task"}}}
          }
         ]
        }
       }
      }
     },
     "400": {"$ref": "#/components/responses/BadPage"},
     "401": {"$ref": "#/components/responses/TenantUnauthorized"},
     "429": {"$ref": "#/components/responses/TenantSuspended"},
     "503": {"$ref": "#/components/responses/DatabaseUnavailable"},
     "default": {"$ref": "#/components/responses/TenantError"}
    }
   }
  },
  "/kling/v1/videos/omni-video/{id}": {
   "get": {
    "operationId": "getVideoTask",
    "tags": ["Tenant API"],
    "summary": "One video task, by omnimeter's task_id or the tenant's external_task_id",
    "security": [{"TenantKey": []}],
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {"type": "string"},
      "description": "omnimeter's task_id or your external_task_id"
     }
    ],
    "responses": {
     "200": {
      "description": "the task",
      "content": {
       "application/json": {
        "schema": {
         "allOf": [
          {"$ref": "#/components/schemas/KlingEnvelope"},
          {"type": "object", "required": ["data"], "properties": {"data": {"$ref": "#/components/schemas/Task"}}}
         ]
        }
       }
      }
     },
     "404": {"$ref": "#/components/responses/TaskNotFound"},
     "401": {"$ref": "#/components/responses/TenantUnauthorized"},
     "429": {"$ref": "#/components/responses/TenantSuspended"},
     "503": {"$ref": "#/components/responses/DatabaseUnavailable"},
     "default": {"$ref": "#/components/responses/TenantError"}
    }
   }
  },
  "/v1/estimate/videos/omni-video": {
   "post": {
    "operationId": "estimateVideo",
    "tags": ["Tenant API"],
    "summary": "Price a video body without reserving anything",
    "security": [{"TenantKey": []}],
    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/VideoCreateRequest"}}}, "required": true},
    "responses": {
     "200": {
      "description": "the price breakdown and reserve_micros",
      "content": {
       "application/json": {
        "schema": {
         "allOf": [
          {"$ref": "#/components/schemas/KlingEnvelope"},
          {"type": "object", "required": ["data"], "properties": {"data": {"$ref": "#/components/schemas/Estimate"}}}
         ]
        }
       }
      }
     },
     "400": {"$ref": "#/components/responses/TenantBadRequest"},
     "401": {"$ref": "#/components/responses/TenantUnauthorized"},
     "403": {"$ref": "#/components/responses/TenantForbidden"},
     "413": {"$ref": "#/components/responses/BodyTooLarge"},
     "429": {"$ref": "#/components/responses/TenantLimited"},
     "503": {"$ref": "#/components/responses/DatabaseUnavailable"},
     "default": {"$ref": "#/components/responses/TenantError"}
    }
   }
  },
  "/kling/v1/images/omni-image": {
   "post": {
    "operationId": "createImageTask",
    "tags": ["Tenant API"],
    "summary": "Create an image task: validate, price, reserve, submit upstream",
    "security": [{"TenantKey": []}],
    "parameters": [
     {
      "name": "Idempotency-Key",
      "in": "header",
      "required": false,
      "schema": {"type": "string", "minLength": 1, "maxLength": 255},
      "description": "the same key and body answer the first response and create nothing; another body is 409"
     }
    ],
    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ImageCreateRequest"}}}, "required": true},
    "responses": {
     "200": {
      "description": "created and submitted (task_status submitted); billing.state reserved",
      "content": {
       "application/json": {
        "schema": {
         "allOf": [
          {"$ref": "#/components/schemas/KlingEnvelope"},
          {"type": "object", "required": ["data"], "properties": {"data": {"$ref": "#/components/schemas/Task"}}}
         ]
        }
       }
      },
      "links": {
       "GetTask": {
        "operationId": "getImageTask",
        "parameters": {"id": "$response.body#/data/task_id"},
        "description": "the task just created"
       }
      }
     },
     "400": {"$ref": "#/components/responses/TenantBadRequest"},
     "401": {"$ref": "#/components/responses/TenantUnauthorized"},
     "403": {"$ref": "#/components/responses/TenantForbidden"},
     "409": {"$ref": "#/components/responses/IdempotencyConflict"},
     "413": {"$ref": "#/components/responses/BodyTooLarge"},
     "429": {"$ref": "#/components/responses/TenantLimited"},
     "502": {"$ref": "#/components/responses/UpstreamFailed"},
     "503": {"$ref": "#/components/responses/DatabaseUnavailable"},
     "default": {"$ref": "#/components/responses/TenantError"}
    }
   },
   "get": {
    "operationId": "listImageTasks",
    "tags": ["Tenant API"],
    "summary": "The tenant's image tasks, newest first",
    "security": [{"TenantKey": []}],
    "parameters": [
     {
      "name": "pageNum",
      "in": "query",
      "required": false,
      "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 1},
      "description": "page number"
     },
     {
      "name": "pageSize",
      "in": "query",
      "required": false,
      "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 30},
      "description": "tasks per page"
     }
    ],
    "responses": {
     "200": {
      "description": "a page of tasks",
      "content": {
       "application/json": {
        "schema": {
         "allOf": [
          {"$ref": "#/components/schemas/KlingEnvelope"},
          {
           "type": "object",
           "required": ["data"],
           "properties": {"data": {"type": "array", "items": {"$ref": "#/components/schemas/Task"}}}
          }
         ]
        }
       }
      }
     },
     "400": {"$ref": "#/components/responses/BadPage"},
     "401": {"$ref": "#/components/responses/TenantUnauthorized"},
     "429": {"$ref": "#/components/responses/TenantSuspended"},
     "503": {"$ref": "#/components/responses/DatabaseUnavailable"},
     "default": {"$ref": "#/components/responses/TenantError"}
    }
   }
  },
  "/kling/v1/images/omni-image/{id}": {
   "get": {
    "operationId": "getImageTask",
    "tags": ["Tenant API"],
    "summary": "One image task, by omnimeter's task_id or the tenant's external_task_id",
    "security": [{"TenantKey": []}],
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {"type": "string"},
      "description": "omnimeter's task_id or your external_task_id"
     }
    ],
    "responses": {
     "200": {
      "description": "the task",
      "content": {
       "application/json": {
        "schema": {
         "allOf": [
          {"$ref": "#/components/schemas/KlingEnvelope"},
          {"type": "object", "required": ["data"], "properties": {"data": {"$ref": "#/components/schemas/Task"}}}
         ]
        }
       }
      }
     },
     "404": {"$ref": "#/components/responses/TaskNotFound"},
     "401": {"$ref": "#/components/responses/TenantUnauthorized"},
     "429": {"$ref": "#/components/responses/TenantSuspended"},
     "503": {"$ref": "#/components/responses/DatabaseUnavailable"},
     "default": {"$ref": "#/components/responses/TenantError"}
    }
   }
  },
  "/v1/estimate/images/omni-image": {
   "post": {
    "operationId": "estimateImage",
    "tags": ["Tenant API"],
    "summary": "Price an image body without reserving anything",
    "security": [{"TenantKey": []}],
    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ImageCreateRequest"}}}, "required": true},
    "responses": {
     "200": {
      "description": "the price breakdown and reserve_micros",
      "content": {
       "application/json": {
        "schema": {
         "allOf": [
          {"$ref": "#/components/schemas/KlingEnvelope"},
          {"type": "object", "required": ["data"], "properties": {"data": {"$ref": "#/components/schemas/Estimate"}}}
         ]
        }
       }
      }
     },
     "400": {"$ref": "#/components/responses/TenantBadRequest"},
     "401": {"$ref": "#/components/responses/TenantUnauthorized"},
     "403": {"$ref": "#/components/responses/TenantForbidden"},
     "413": {"$ref": "#/components/responses/BodyTooLarge"},
     "429": {"$ref": "#/components/responses/TenantLimited"},
     "503": {"$ref": "#/components/responses/DatabaseUnavailable"},
     "default": {"$ref": "#/components/responses/TenantError"}
    }
   }
  },
  "/v1/account": {
   "get": {
    "operationId": "getAccount",
    "tags": ["Tenant API"],
    "security": [{"TenantKey": []}],
    "summary": "The calling key's tenant (balance, limits) and the key's own limits and spend",
    "responses": {
     "200": {
      "description": "the account",
      "content": {
       "application/json": {
        "schema": {
         "allOf": [
          {"$ref": "#/components/schemas/KlingEnvelope"},
          {"type": "object", "required": ["data"], "properties": {"data": {"$ref": "#/components/schemas/Account"}}}
         ]
        }
       }
      }
     },
     "401": {"$ref": "#/components/responses/TenantUnauthorized"},
     "429": {"$ref": "#/components/responses/TenantSuspended"},
     "503": {"$ref": "#/components/responses/DatabaseUnavailable"},
     "default": {"$ref": "#/components/responses/TenantError"}
    }
   }
  },
  "/v1/upstream-callbacks/{task_id}": {
   "post": {
    "operationId": "upstreamCallback",
    "tags": ["Upstream"],
    "security": [],
    "summary": "Where the upstream announces a status change (OMNIMETER_PUBLIC_URL)",
    "description": "The body is not trusted: it only makes the task due, and its state is then read from the upstream with the operator's key.",
    "parameters": [
     {
      "name": "task_id",
      "in": "path",
      "required": true,
      "schema": {"type": "string"},
      "description": "omnimeter's task id"
     }
    ],
    "requestBody": {"required": false, "content": {"application/json": {"schema": {"type": "object"}}}},
    "responses": {
     "200": {
      "description": "noted",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": ["code", "message"],
         "properties": {"code": {"type": "integer", "const": 0}, "message": {"type": "string"}}
        }
       }
      }
     },
     "404": {
      "description": "no such task",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": ["code", "message"],
         "properties": {"code": {"type": "integer"}, "message": {"type": "string"}}
        }
       }
      }
     },
     "503": {"$ref": "#/components/responses/DatabaseUnavailable"}
    }
   }
  },
  "/admin/v1/tokens": {
   "post": {
    "operationId": "createAdminToken",
    "tags": ["Admin API"],
    "security": [{"AdminToken": []}],
    "summary": "Create an admin token (admin role)",
    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/AdminTokenCreate"}}}, "required": true},
    "responses": {
     "201": {
      "description": "created; `token` is shown this once",
      "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AdminTokenWithSecret"}}}
     },
     "400": {"$ref": "#/components/responses/AdminBadRequest"},
     "401": {"$ref": "#/components/responses/AdminUnauthenticated"},
     "403": {"$ref": "#/components/responses/AdminForbidden"},
     "404": {"$ref": "#/components/responses/AdminNotFound"},
     "422": {"$ref": "#/components/responses/AdminInvalid"},
     "503": {"$ref": "#/components/responses/AdminDatabaseUnavailable"},
     "default": {"$ref": "#/components/responses/AdminError"}
    }
   },
   "get": {
    "operationId": "listAdminTokens",
    "tags": ["Admin API"],
    "security": [{"AdminToken": []}],
    "summary": "Admin tokens, never their secrets (admin role)",
    "responses": {
     "200": {
      "description": "the tokens",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": ["data", "next_cursor"],
         "properties": {
          "data": {"type": "array", "items": {"$ref": "#/components/schemas/AdminToken"}},
          "next_cursor": {"type": ["string", "null"], "description": "pass as `cursor` for the next page; null on the last page"}
         }
        }
       }
      }
     },
     "400": {"$ref": "#/components/responses/AdminBadRequest"},
     "401": {"$ref": "#/components/responses/AdminUnauthenticated"},
     "403": {"$ref": "#/components/responses/AdminForbidden"},
     "503": {"$ref": "#/components/responses/AdminDatabaseUnavailable"},
     "default": {"$ref": "#/components/responses/AdminError"}
    }
   }
  },
  "/admin/v1/tokens/{id}": {
   "delete": {
    "operationId": "revokeAdminToken",
    "tags": ["Admin API"],
    "security": [{"AdminToken": []}],
    "summary": "Revoke an admin token",
    "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}, "description": "the resource's id"}],
    "responses": {
     "200": {
      "description": "revoked",
      "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AdminToken"}}}
     },
     "400": {"$ref": "#/components/responses/AdminBadRequest"},
     "401": {"$ref": "#/components/responses/AdminUnauthenticated"},
     "403": {"$ref": "#/components/responses/AdminForbidden"},
     "404": {"$ref": "#/components/responses/AdminNotFound"},
     "503": {"$ref": "#/components/responses/AdminDatabaseUnavailable"},
     "default": {"$ref": "#/components/responses/AdminError"}
    }
   }
  },
  "/admin/v1/tenants": {
   "post": {
    "operationId": "createTenant",
    "tags": ["Admin API"],
    "security": [{"AdminToken": []}],
    "summary": "Create a tenant",
    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/TenantCreate"}}}, "required": true},
    "responses": {
     "201": {"description": "created", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Tenant"}}}},
     "400": {"$ref": "#/components/responses/AdminBadRequest"},
     "401": {"$ref": "#/components/responses/AdminUnauthenticated"},
     "403": {"$ref": "#/components/responses/AdminForbidden"},
     "404": {"$ref": "#/components/responses/AdminNotFound"},
     "422": {"$ref": "#/components/responses/AdminInvalid"},
     "503": {"$ref": "#/components/responses/AdminDatabaseUnavailable"},
     "default": {"$ref": "#/components/responses/AdminError"}
    }
   },
   "get": {
    "operationId": "listTenants",
    "tags": ["Admin API"],
    "security": [{"AdminToken": []}],
    "summary": "Tenants, newest first",
    "parameters": [
     {
      "name": "limit",
      "in": "query",
      "required": false,
      "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50},
      "description": "page size"
     },
     {
      "name": "cursor",
      "in": "query",
      "required": false,
      "schema": {"type": "string"},
      "description": "`next_cursor` of the page before"
     }
    ],
    "responses": {
     "200": {
      "description": "a page",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": ["data", "next_cursor"],
         "properties": {
          "data": {"type": "array", "items": {"$ref": "#/components/schemas/Tenant"}},
          "next_cursor": {"type": ["string", "null"], "description": "pass as `cursor` for the next page; null on the last page"}
         }
        }
       }
      }
     },
     "400": {"$ref": "#/components/responses/AdminBadRequest"},
     "401": {"$ref": "#/components/responses/AdminUnauthenticated"},
     "403": {"$ref": "#/components/responses/AdminForbidden"},
     "503": {"$ref": "#/components/responses/AdminDatabaseUnavailable"},
     "default": {"$ref": "#/components/responses/AdminError"}
    }
   }
  },
  "/admin/v1/tenants/{id}": {
   "get": {
    "operationId": "getTenant",
    "tags": ["Admin API"],
    "security": [{"AdminToken": []}],
    "summary": "A tenant with its balance",
    "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}, "description": "the resource's id"}],
    "responses": {
     "200": {"description": "the tenant", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Tenant"}}}},
     "400": {"$ref": "#/components/responses/AdminBadRequest"},
     "401": {"$ref": "#/components/responses/AdminUnauthenticated"},
     "403": {"$ref": "#/components/responses/AdminForbidden"},
     "404": {"$ref": "#/components/responses/AdminNotFound"},
     "503": {"$ref": "#/components/responses/AdminDatabaseUnavailable"},
     "default": {"$ref": "#/components/responses/AdminError"}
    }
   },
   "patch": {
    "operationId": "updateTenant",
    "tags": ["Admin API"],
    "security": [{"AdminToken": []}],
    "summary": "Change a tenant's limits or status",
    "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}, "description": "the resource's id"}],
    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/TenantPatch"}}}, "required": true},
    "responses": {
     "200": {"description": "changed", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Tenant"}}}},
     "400": {"$ref": "#/components/responses/AdminBadRequest"},
     "401": {"$ref": "#/components/responses/AdminUnauthenticated"},
     "403": {"$ref": "#/components/responses/AdminForbidden"},
     "404": {"$ref": "#/components/responses/AdminNotFound"},
     "422": {"$ref": "#/components/responses/AdminInvalid"},
     "503": {"$ref": "#/components/responses/AdminDatabaseUnavailable"},
     "default": {"$ref": "#/components/responses/AdminError"}
    }
   }
  },
  "/admin/v1/tenants/{id}/credits": {
   "post": {
    "operationId": "addCredits",
    "tags": ["Admin API"],
    "security": [{"AdminToken": []}],
    "summary": "A top-up (positive) or an adjustment (negative)",
    "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}, "description": "the resource's id"}],
    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/CreditRequest"}}}, "required": true},
    "responses": {
     "201": {
      "description": "written",
      "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CreditReceipt"}}}
     },
     "200": {
      "description": "a retry with the same idempotency_key: the first entry",
      "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CreditReceipt"}}}
     },
     "400": {"$ref": "#/components/responses/AdminBadRequest"},
     "401": {"$ref": "#/components/responses/AdminUnauthenticated"},
     "403": {"$ref": "#/components/responses/AdminForbidden"},
     "404": {"$ref": "#/components/responses/AdminNotFound"},
     "409": {"$ref": "#/components/responses/AdminConflict"},
     "422": {"$ref": "#/components/responses/AdminInvalid"},
     "503": {"$ref": "#/components/responses/AdminDatabaseUnavailable"},
     "default": {"$ref": "#/components/responses/AdminError"}
    }
   }
  },
  "/admin/v1/tenants/{id}/keys": {
   "post": {
    "operationId": "createKey",
    "tags": ["Admin API"],
    "security": [{"AdminToken": []}],
    "summary": "Create a tenant API key",
    "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}, "description": "the resource's id"}],
    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/APIKeyCreate"}}}, "required": true},
    "responses": {
     "201": {
      "description": "created; `key` is shown this once",
      "content": {"application/json": {"schema": {"$ref": "#/components/schemas/APIKeyWithSecret"}}}
     },
     "400": {"$ref": "#/components/responses/AdminBadRequest"},
     "401": {"$ref": "#/components/responses/AdminUnauthenticated"},
     "403": {"$ref": "#/components/responses/AdminForbidden"},
     "404": {"$ref": "#/components/responses/AdminNotFound"},
     "422": {"$ref": "#/components/responses/AdminInvalid"},
     "503": {"$ref": "#/components/responses/AdminDatabaseUnavailable"},
     "default": {"$ref": "#/components/responses/AdminError"}
    }
   },
   "get": {
    "operationId": "listKeys",
    "tags": ["Admin API"],
    "security": [{"AdminToken": []}],
    "summary": "A tenant's keys, never their secrets",
    "parameters": [
     {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}, "description": "the resource's id"},
     {
      "name": "limit",
      "in": "query",
      "required": false,
      "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50},
      "description": "page size"
     },
     {
      "name": "cursor",
      "in": "query",
      "required": false,
      "schema": {"type": "string"},
      "description": "`next_cursor` of the page before"
     }
    ],
    "responses": {
     "200": {
      "description": "a page",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": ["data", "next_cursor"],
         "properties": {
          "data": {"type": "array", "items": {"$ref": "#/components/schemas/APIKey"}},
          "next_cursor": {"type": ["string", "null"], "description": "pass as `cursor` for the next page; null on the last page"}
         }
        }
       }
      }
     },
     "400": {"$ref": "#/components/responses/AdminBadRequest"},
     "401": {"$ref": "#/components/responses/AdminUnauthenticated"},
     "403": {"$ref": "#/components/responses/AdminForbidden"},
     "404": {"$ref": "#/components/responses/AdminNotFound"},
     "503": {"$ref": "#/components/responses/AdminDatabaseUnavailable"},
     "default": {"$ref": "#/components/responses/AdminError"}
    }
   }
  },
  "/admin/v1/keys/{id}": {
   "get": {
    "operationId": "getKey",
    "tags": ["Admin API"],
    "security": [{"AdminToken": []}],
    "summary": "A key",
    "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}, "description": "the resource's id"}],
    "responses": {
     "200": {"description": "the key", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/APIKey"}}}},
     "400": {"$ref": "#/components/responses/AdminBadRequest"},
     "401": {"$ref": "#/components/responses/AdminUnauthenticated"},
     "403": {"$ref": "#/components/responses/AdminForbidden"},
     "404": {"$ref": "#/components/responses/AdminNotFound"},
     "503": {"$ref": "#/components/responses/AdminDatabaseUnavailable"},
     "default": {"$ref": "#/components/responses/AdminError"}
    }
   },
   "patch": {
    "operationId": "updateKey",
    "tags": ["Admin API"],
    "security": [{"AdminToken": []}],
    "summary": "Change a key's limits",
    "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}, "description": "the resource's id"}],
    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/APIKeyPatch"}}}, "required": true},
    "responses": {
     "200": {"description": "changed", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/APIKey"}}}},
     "400": {"$ref": "#/components/responses/AdminBadRequest"},
     "401": {"$ref": "#/components/responses/AdminUnauthenticated"},
     "403": {"$ref": "#/components/responses/AdminForbidden"},
     "404": {"$ref": "#/components/responses/AdminNotFound"},
     "422": {"$ref": "#/components/responses/AdminInvalid"},
     "503": {"$ref": "#/components/responses/AdminDatabaseUnavailable"},
     "default": {"$ref": "#/components/responses/AdminError"}
    }
   },
   "delete": {
    "operationId": "revokeKey",
    "tags": ["Admin API"],
    "security": [{"AdminToken": []}],
    "summary": "Revoke a key (effective on its next request)",
    "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}, "description": "the resource's id"}],
    "responses": {
     "200": {"description": "revoked", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/APIKey"}}}},
     "400": {"$ref": "#/components/responses/AdminBadRequest"},
     "401": {"$ref": "#/components/responses/AdminUnauthenticated"},
     "403": {"$ref": "#/components/responses/AdminForbidden"},
     "404": {"$ref": "#/components/responses/AdminNotFound"},
     "503": {"$ref": "#/components/responses/AdminDatabaseUnavailable"},
     "default": {"$ref": "#/components/responses/AdminError"}
    }
   }
  },
  "/admin/v1/prices": {
   "get": {
    "operationId": "getPrices",
    "tags": ["Admin API"],
    "security": [{"AdminToken": []}],
    "summary": "The price book in force",
    "responses": {
     "200": {
      "description": "the current version",
      "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PriceBookVersion"}}}
     },
     "400": {"$ref": "#/components/responses/AdminBadRequest"},
     "401": {"$ref": "#/components/responses/AdminUnauthenticated"},
     "403": {"$ref": "#/components/responses/AdminForbidden"},
     "503": {"$ref": "#/components/responses/AdminDatabaseUnavailable"},
     "default": {"$ref": "#/components/responses/AdminError"}
    }
   },
   "put": {
    "operationId": "putPrices",
    "tags": ["Admin API"],
    "security": [{"AdminToken": []}],
    "summary": "Store a new price-book version; tasks keep the version they were priced with",
    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/PriceBook"}}}, "required": true},
    "responses": {
     "201": {
      "description": "the new version",
      "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PriceBookVersion"}}}
     },
     "400": {"$ref": "#/components/responses/AdminBadRequest"},
     "401": {"$ref": "#/components/responses/AdminUnauthenticated"},
     "403": {"$ref": "#/components/responses/AdminForbidden"},
     "422": {"$ref": "#/components/responses/AdminInvalid"},
     "503": {"$ref": "#/components/responses/AdminDatabaseUnavailable"},
     "default": {"$ref": "#/components/responses/AdminError"}
    }
   }
  },
  "/admin/v1/prices/{version}": {
   "get": {
    "operationId": "getPriceVersion",
    "tags": ["Admin API"],
    "security": [{"AdminToken": []}],
    "summary": "One price-book version",
    "parameters": [{"name": "version", "in": "path", "required": true, "schema": {"type": "integer"}}],
    "responses": {
     "200": {
      "description": "that version",
      "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PriceBookVersion"}}}
     },
     "400": {"$ref": "#/components/responses/AdminBadRequest"},
     "401": {"$ref": "#/components/responses/AdminUnauthenticated"},
     "403": {"$ref": "#/components/responses/AdminForbidden"},
     "404": {"$ref": "#/components/responses/AdminNotFound"},
     "503": {"$ref": "#/components/responses/AdminDatabaseUnavailable"},
     "default": {"$ref": "#/components/responses/AdminError"}
    }
   }
  },
  "/admin/v1/tasks": {
   "get": {
    "operationId": "listTasks",
    "tags": ["Admin API"],
    "security": [{"AdminToken": []}],
    "summary": "Tasks with their billing, newest first",
    "parameters": [
     {
      "name": "tenant_id",
      "in": "query",
      "required": false,
      "schema": {"type": "string", "format": "uuid"},
      "description": "one tenant"
     },
     {
      "name": "key_id",
      "in": "query",
      "required": false,
      "schema": {"type": "string", "format": "uuid"},
      "description": "one key"
     },
     {
      "name": "status",
      "in": "query",
      "required": false,
      "schema": {"type": "string", "enum": ["reserved", "submitted", "processing", "succeeded", "failed", "rejected", "expired"]},
      "description": "one state"
     },
     {
      "name": "from",
      "in": "query",
      "required": false,
      "schema": {"type": "string"},
      "description": "RFC 3339 UTC time or YYYY-MM-DD; inclusive"
     },
     {
      "name": "to",
      "in": "query",
      "required": false,
      "schema": {"type": "string"},
      "description": "RFC 3339 UTC time or YYYY-MM-DD; exclusive"
     },
     {
      "name": "limit",
      "in": "query",
      "required": false,
      "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 50},
      "description": "page size"
     },
     {
      "name": "cursor",
      "in": "query",
      "required": false,
      "schema": {"type": "string"},
      "description": "`next_cursor` of the page before"
     }
    ],
    "responses": {
     "200": {
      "description": "a page",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": ["data", "next_cursor"],
         "properties": {
          "data": {"type": "array", "items": {"$ref": "#/components/schemas/TaskSummary"}},
          "next_cursor": {"type": ["string", "null"], "description": "pass as `cursor` for the next page; null on the last page"}
         }
        }
       }
      }
     },
     "400": {"$ref": "#/components/responses/AdminBadRequest"},
     "401": {"$ref": "#/components/responses/AdminUnauthenticated"},
     "403": {"$ref": "#/components/responses/AdminForbidden"},
     "503": {"$ref": "#/components/responses/AdminDatabaseUnavailable"},
     "default": {"$ref": "#/components/responses/AdminError"}
    }
   }
  },
  "/admin/v1/tenants/{id}/ledger": {
   "get": {
    "operationId": "listLedger",
    "tags": ["Admin API"],
    "security": [{"AdminToken": []}],
    "summary": "A tenant's ledger: credit, adjustment, reserve, charge, release, late_charge",
    "parameters": [
     {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}, "description": "the resource's id"},
     {
      "name": "kind",
      "in": "query",
      "required": false,
      "schema": {"type": "string", "enum": ["credit", "adjustment", "reserve", "charge", "release", "late_charge"]},
      "description": "one kind"
     },
     {
      "name": "from",
      "in": "query",
      "required": false,
      "schema": {"type": "string"},
      "description": "RFC 3339 UTC time or YYYY-MM-DD; inclusive"
     },
     {
      "name": "to",
      "in": "query",
      "required": false,
      "schema": {"type": "string"},
      "description": "RFC 3339 UTC time or YYYY-MM-DD; exclusive"
     },
     {
      "name": "limit",
      "in": "query",
      "required": false,
      "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 50},
      "description": "page size"
     },
     {
      "name": "cursor",
      "in": "query",
      "required": false,
      "schema": {"type": "string"},
      "description": "`next_cursor` of the page before"
     }
    ],
    "responses": {
     "200": {
      "description": "a page",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": ["data", "next_cursor"],
         "properties": {
          "data": {"type": "array", "items": {"$ref": "#/components/schemas/LedgerEntry"}},
          "next_cursor": {"type": ["string", "null"], "description": "pass as `cursor` for the next page; null on the last page"}
         }
        }
       }
      }
     },
     "400": {"$ref": "#/components/responses/AdminBadRequest"},
     "401": {"$ref": "#/components/responses/AdminUnauthenticated"},
     "403": {"$ref": "#/components/responses/AdminForbidden"},
     "404": {"$ref": "#/components/responses/AdminNotFound"},
     "503": {"$ref": "#/components/responses/AdminDatabaseUnavailable"},
     "default": {"$ref": "#/components/responses/AdminError"}
    }
   }
  },
  "/admin/v1/reports/usage": {
   "get": {
    "operationId": "usageReport",
    "tags": ["Admin API"],
    "security": [{"AdminToken": []}],
    "summary": "Sums by any of tenant, key, model, day: tasks, succeeded, failed, billable seconds, images, charged",
    "parameters": [
     {
      "name": "from",
      "in": "query",
      "required": true,
      "schema": {"type": "string"},
      "description": "RFC 3339 UTC time or YYYY-MM-DD; inclusive"
     },
     {
      "name": "to",
      "in": "query",
      "required": true,
      "schema": {"type": "string"},
      "description": "RFC 3339 UTC time or YYYY-MM-DD; exclusive"
     },
     {
      "name": "group_by",
      "in": "query",
      "required": false,
      "schema": {"type": "string", "examples": ["tenant,model"]},
      "description": "comma-separated: tenant, key, model, day"
     }
    ],
    "responses": {
     "200": {
      "description": "the report",
      "content": {"application/json": {"schema": {"$ref": "#/components/schemas/UsageReport"}}}
     },
     "400": {"$ref": "#/components/responses/AdminBadRequest"},
     "401": {"$ref": "#/components/responses/AdminUnauthenticated"},
     "403": {"$ref": "#/components/responses/AdminForbidden"},
     "503": {"$ref": "#/components/responses/AdminDatabaseUnavailable"},
     "default": {"$ref": "#/components/responses/AdminError"}
    }
   }
  },
  "/admin/v1/reports/usage.csv": {
   "get": {
    "operationId": "usageCSV",
    "tags": ["Admin API"],
    "security": [{"AdminToken": []}],
    "summary": "RFC 4180 CSV, streamed: one row per task that ended in [from, to)",
    "parameters": [
     {
      "name": "from",
      "in": "query",
      "required": true,
      "schema": {"type": "string"},
      "description": "RFC 3339 UTC time or YYYY-MM-DD; inclusive"
     },
     {
      "name": "to",
      "in": "query",
      "required": true,
      "schema": {"type": "string"},
      "description": "RFC 3339 UTC time or YYYY-MM-DD; exclusive"
     },
     {
      "name": "tenant_id",
      "in": "query",
      "required": false,
      "schema": {"type": "string", "format": "uuid"},
      "description": "one tenant"
     }
    ],
    "responses": {
     "200": {
      "description": "the CSV",
      "content": {
       "text/csv": {
        "schema": {
         "type": "string",
         "description": "header: task_id,tenant_id,tenant_name,key_id,key_name,endpoint,model,mode,sound,video_reference,billable_seconds,images,status,reserved_micros,charged_micros,released_micros,charged,currency,created_at,ended_at,external_task_id,upstream_task_id"
        }
       }
      }
     },
     "400": {"$ref": "#/components/responses/AdminBadRequest"},
     "401": {"$ref": "#/components/responses/AdminUnauthenticated"},
     "403": {"$ref": "#/components/responses/AdminForbidden"},
     "404": {"$ref": "#/components/responses/AdminNotFound"},
     "503": {"$ref": "#/components/responses/AdminDatabaseUnavailable"},
     "default": {"$ref": "#/components/responses/AdminError"}
    }
   }
  },
  "/admin/v1/reconcile": {
   "get": {
    "operationId": "reconcile",
    "tags": ["Admin API"],
    "security": [{"AdminToken": []}],
    "summary": "The ledger invariants, checked now",
    "responses": {
     "200": {
      "description": "the checks",
      "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Reconciliation"}}}
     },
     "400": {"$ref": "#/components/responses/AdminBadRequest"},
     "401": {"$ref": "#/components/responses/AdminUnauthenticated"},
     "403": {"$ref": "#/components/responses/AdminForbidden"},
     "503": {"$ref": "#/components/responses/AdminDatabaseUnavailable"},
     "default": {"$ref": "#/components/responses/AdminError"}
    }
   }
  },
  "/admin/v1/audit": {
   "get": {
    "operationId": "listAudit",
    "tags": ["Admin API"],
    "security": [{"AdminToken": []}],
    "summary": "Every admin change: who, what, before and after; newest first",
    "parameters": [
     {
      "name": "limit",
      "in": "query",
      "required": false,
      "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50},
      "description": "page size"
     },
     {
      "name": "cursor",
      "in": "query",
      "required": false,
      "schema": {"type": "string"},
      "description": "`next_cursor` of the page before"
     },
     {
      "name": "resource_id",
      "in": "query",
      "required": false,
      "schema": {"type": "string"},
      "description": "one resource"
     }
    ],
    "responses": {
     "200": {
      "description": "a page",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": ["data", "next_cursor"],
         "properties": {
          "data": {"type": "array", "items": {"$ref": "#/components/schemas/AuditEntry"}},
          "next_cursor": {"type": ["string", "null"], "description": "pass as `cursor` for the next page; null on the last page"}
         }
        }
       }
      }
     },
     "400": {"$ref": "#/components/responses/AdminBadRequest"},
     "401": {"$ref": "#/components/responses/AdminUnauthenticated"},
     "403": {"$ref": "#/components/responses/AdminForbidden"},
     "503": {"$ref": "#/components/responses/AdminDatabaseUnavailable"},
     "default": {"$ref": "#/components/responses/AdminError"}
    }
   }
  },
  "/healthz": {
   "get": {
    "operationId": "healthz",
    "tags": ["Operations"],
    "security": [],
    "summary": "The process answers",
    "responses": {
     "200": {"description": "alive", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Status"}}}}
    }
   }
  },
  "/readyz": {
   "get": {
    "operationId": "readyz",
    "tags": ["Operations"],
    "security": [],
    "summary": "The process answers and PostgreSQL is reachable",
    "responses": {
     "200": {"description": "ready", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Status"}}}},
     "503": {
      "description": "database unavailable",
      "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Status"}}}
     }
    }
   }
  },
  "/metrics": {
   "get": {
    "operationId": "metrics",
    "tags": ["Operations"],
    "security": [],
    "summary": "Prometheus text exposition",
    "description": "Requests by route and status with durations; upstream calls by outcome with latency; settlements by end state; and, read from PostgreSQL at scrape time: open reservations and their sum, open tasks by state, tasks ended in the last hour, poll lag, callback outbox backlog.",
    "responses": {"200": {"description": "metrics", "content": {"text/plain": {"schema": {"type": "string"}}}}}
   }
  },
  "/openapi.json": {
   "get": {
    "operationId": "openapi",
    "tags": ["Operations"],
    "security": [],
    "summary": "This document",
    "responses": {
     "200": {"description": "the OpenAPI 3.1 document", "content": {"application/json": {"schema": {"type": "object"}}}}
    }
   }
  }
 },
 "components": {
  "securitySchemes": {
   "TenantKey": {"type": "http", "scheme": "bearer", "description": "a tenant API key, made by POST /admin/v1/tenants/{id}/keys"},
   "AdminToken": {
    "type": "http",
    "scheme": "bearer",
    "description": "OMNIMETER_ADMIN_TOKEN (role admin), or a token made by POST /admin/v1/tokens"
   }
  },
  "schemas": {
   "KlingEnvelope": {
    "type": "object",
    "required": ["code", "message", "request_id"],
    "properties": {
     "code": {"type": "integer", "const": 0},
     "message": {"type": "string", "examples": ["SUCCEED"]},
     "request_id": {"type": "string"}
    }
   },
   "KlingError": {
    "type": "object",
    "required": ["code", "message", "request_id"],
    "description": "every tenant API error; no money was touched",
    "properties": {"code": {"type": "integer", "examples": [1201]}, "message": {"type": "string"}, "request_id": {"type": "string"}}
   },
   "Billing": {
    "type": "object",
    "required": ["currency", "state", "reserved_micros", "charged_micros", "released_micros"],
    "properties": {
     "currency": {"type": "string", "examples": ["USD"]},
     "state": {"type": "string", "enum": ["reserved", "charged", "released"]},
     "reserved_micros": {"type": "integer", "format": "int64", "minimum": 0},
     "charged_micros": {"type": "integer", "format": "int64", "minimum": 0, "description": "late charges included"},
     "released_micros": {"type": "integer", "format": "int64", "minimum": 0}
    }
   },
   "Task": {
    "type": "object",
    "required": ["task_id", "task_status", "task_info", "created_at", "updated_at", "billing"],
    "description": "a task as the upstream shows it, with omnimeter's own id as task_id and the money as billing",
    "properties": {
     "task_id": {"type": "string", "description": "omnimeter's id (the upstream's is never needed)"},
     "task_status": {"type": "string", "enum": ["submitted", "processing", "succeed", "failed"]},
     "task_status_msg": {"type": "string"},
     "task_info": {"type": "object", "properties": {"external_task_id": {"type": ["string", "null"]}}},
     "created_at": {"type": "integer", "format": "int64", "description": "milliseconds since 1970"},
     "updated_at": {"type": "integer", "format": "int64", "description": "milliseconds since 1970"},
     "model_name": {"type": "string"},
     "task_result": {"type": "object", "description": "the upstream's task_result: videos[{id,url,duration}] or images[{index,url}]"},
     "final_unit_deduction": {"type": "string"},
     "billing": {"$ref": "#/components/schemas/Billing"}
    }
   },
   "ImageListItem": {
    "type": "object",
    "description": "a picture by URL or Base64, as `image_url` or `image` (both given must agree)",
    "properties": {
     "image_url": {"type": "string"},
     "image": {"type": "string"},
     "type": {"type": "string", "enum": ["first_frame", "end_frame"]}
    }
   },
   "ElementListItem": {"type": "object", "required": ["element_id"], "properties": {"element_id": {"type": "integer", "format": "int64"}}},
   "CommonCreateFields": {
    "type": "object",
    "properties": {
     "prompt": {"type": "string", "maxLength": 2500},
     "element_list": {"type": "array", "items": {"$ref": "#/components/schemas/ElementListItem"}},
     "external_task_id": {
      "type": "string",
      "minLength": 1,
      "maxLength": 64,
      "description": "the tenant's own id, unique per tenant (a second use is 400/1201)"
     },
     "callback_url": {
      "type": "string",
      "format": "uri",
      "description": "http(s); loopback and private addresses refused unless the deployment allows them"
     },
     "watermark_info": {"type": "object", "properties": {"enabled": {"type": "boolean"}}}
    }
   },
   "VideoCreateRequest": {
    "description": "The upstream's omni-video body (KLING.md). Rules beyond the schema (e.g. duration 5 or 10 for kling-video-o1 text-to-video, images plus elements at most 7, end_frame needs first_frame) are checked as the upstream does: 400/1201 names the field.",
    "allOf": [
     {"$ref": "#/components/schemas/CommonCreateFields"},
     {
      "type": "object",
      "properties": {
       "model_name": {"type": "string", "enum": ["kling-video-o1", "kling-v3-omni"], "default": "kling-video-o1"},
       "model": {"type": "string", "description": "alias of model_name"},
       "multi_shot": {"type": "boolean", "description": "kling-v3-omni only"},
       "shot_type": {"type": "string", "enum": ["customize", "intelligence"]},
       "multi_prompt": {
        "type": "array",
        "minItems": 1,
        "maxItems": 6,
        "items": {
         "type": "object",
         "properties": {
          "index": {"type": "integer"},
          "prompt": {"type": "string", "maxLength": 512},
          "duration": {"type": ["string", "integer"]}
         }
        }
       },
       "image_list": {"type": "array", "items": {"$ref": "#/components/schemas/ImageListItem"}},
       "video_list": {
        "type": "array",
        "maxItems": 1,
        "items": {
         "type": "object",
         "required": ["video_url"],
         "properties": {
          "video_url": {"type": "string"},
          "refer_type": {"type": "string", "enum": ["feature", "base"], "default": "base"},
          "keep_original_sound": {"type": "string", "enum": ["yes", "no"]}
         }
        }
       },
       "sound": {"type": "string", "enum": ["on", "off"], "description": "kling-v3-omni only"},
       "mode": {"type": "string", "enum": ["std", "pro", "4k"], "default": "pro"},
       "aspect_ratio": {
        "type": "string",
        "enum": ["16:9", "9:16", "1:1"],
        "description": "required without a first frame or a base video"
       },
       "duration": {
        "type": ["string", "integer"],
        "description": "seconds, \"3\"..\"10\" (kling-video-o1) or \"3\"..\"15\" (kling-v3-omni); default 5",
        "default": "5"
       }
      }
     }
    ],
    "examples": [{"prompt": "a fox in the snow", "aspect_ratio": "16:9", "duration": "5", "mode": "pro"}]
   },
   "ImageCreateRequest": {
    "description": "The upstream's omni-image body (KLING.md); rules beyond the schema are checked as the upstream does.",
    "allOf": [
     {"$ref": "#/components/schemas/CommonCreateFields"},
     {
      "type": "object",
      "required": ["prompt"],
      "properties": {
       "model_name": {"type": "string", "enum": ["kling-image-o1", "kling-v3-omni"], "default": "kling-image-o1"},
       "model": {"type": "string", "description": "alias of model_name"},
       "image_list": {"type": "array", "items": {"$ref": "#/components/schemas/ImageListItem"}},
       "resolution": {"type": "string", "enum": ["1k", "2k", "4k"], "default": "1k"},
       "result_type": {"type": "string", "enum": ["single", "series"], "default": "single"},
       "n": {"type": "integer", "minimum": 1, "maximum": 9, "default": 1},
       "series_amount": {"type": ["integer", "string"], "description": "2..9 or \"auto\" (series only)"},
       "aspect_ratio": {"type": "string", "enum": ["16:9", "9:16", "1:1", "4:3", "3:4", "3:2", "2:3", "21:9", "auto"]}
      }
     }
    ],
    "examples": [{"prompt": "a lighthouse at dawn", "resolution": "1k", "n": 1}]
   },
   "Estimate": {
    "type": "object",
    "required": ["kind", "model", "reserve_micros", "currency", "price_version"],
    "properties": {
     "kind": {"type": "string", "enum": ["video", "image"]},
     "model": {"type": "string"},
     "mode": {"type": "string"},
     "sound": {"type": "string", "enum": ["on", "off"]},
     "resolution": {"type": "string"},
     "billable_seconds": {"type": "integer"},
     "micros_per_second": {"type": "integer", "format": "int64"},
     "video_reference_multiplier": {"type": "string", "description": "present when applied"},
     "images": {"type": "integer"},
     "micros_per_image": {"type": "integer", "format": "int64"},
     "reserve_micros": {
      "type": "integer",
      "format": "int64",
      "minimum": 0,
      "description": "what a create would reserve: the most the task can cost"
     },
     "currency": {"type": "string"},
     "price_version": {"type": "integer"}
    }
   },
   "Account": {
    "type": "object",
    "required": ["tenant", "key"],
    "properties": {"tenant": {"$ref": "#/components/schemas/Tenant"}, "key": {"$ref": "#/components/schemas/APIKey"}}
   },
   "AdminError": {
    "type": "object",
    "required": ["error"],
    "properties": {
     "error": {
      "type": "object",
      "required": ["code", "message"],
      "properties": {
       "code": {
        "type": "string",
        "examples": ["bad_request", "unauthenticated", "forbidden", "not_found", "conflict", "invalid", "database_unavailable"]
       },
       "message": {"type": "string"}
      }
     }
    }
   },
   "Balance": {
    "type": "object",
    "required": ["credits_micros", "charged_micros", "reserved_micros", "available_micros"],
    "properties": {
     "credits_micros": {"type": "integer", "format": "int64", "description": "micro-units of the price book's currency"},
     "charged_micros": {"type": "integer", "format": "int64", "description": "micro-units of the price book's currency"},
     "reserved_micros": {"type": "integer", "format": "int64", "description": "micro-units of the price book's currency"},
     "available_micros": {"type": "integer", "format": "int64", "description": "credits − charged − reserved + credit_limit"}
    }
   },
   "Tenant": {
    "type": "object",
    "required": ["id", "name", "status", "credit_limit_micros", "balance"],
    "properties": {
     "id": {"type": "string", "format": "uuid"},
     "name": {"type": "string"},
     "status": {"type": "string", "enum": ["active", "suspended"]},
     "credit_limit_micros": {"type": "integer", "format": "int64", "minimum": 0},
     "monthly_budget_micros": {"type": ["integer", "null"]},
     "max_concurrent_tasks": {"type": ["integer", "null"]},
     "rpm_limit": {"type": ["integer", "null"]},
     "callback_url": {"type": ["string", "null"]},
     "balance": {"$ref": "#/components/schemas/Balance"},
     "spent_this_month_micros": {"type": "integer", "format": "int64"},
     "created_at": {"type": "string", "format": "date-time"},
     "updated_at": {"type": "string", "format": "date-time"}
    }
   },
   "TenantCreate": {
    "type": "object",
    "required": ["name"],
    "properties": {
     "name": {"type": "string", "minLength": 1, "maxLength": 200},
     "credit_limit_micros": {"type": "integer", "format": "int64", "minimum": 0},
     "monthly_budget_micros": {"type": "integer", "format": "int64", "minimum": 0},
     "max_concurrent_tasks": {"type": "integer", "minimum": 1},
     "rpm_limit": {"type": "integer", "minimum": 1},
     "callback_url": {"type": "string", "format": "uri"}
    }
   },
   "TenantPatch": {
    "type": "object",
    "description": "fields given are changed; null clears an optional limit",
    "properties": {
     "name": {"type": "string", "minLength": 1, "maxLength": 200},
     "status": {"type": "string", "enum": ["active", "suspended"]},
     "credit_limit_micros": {"type": "integer", "format": "int64", "minimum": 0},
     "monthly_budget_micros": {"type": ["integer", "null"], "minimum": 0},
     "max_concurrent_tasks": {"type": ["integer", "null"], "minimum": 1},
     "rpm_limit": {"type": ["integer", "null"], "minimum": 1},
     "callback_url": {"type": ["string", "null"]}
    }
   },
   "CreditRequest": {
    "type": "object",
    "required": ["amount_micros", "reason"],
    "properties": {
     "amount_micros": {
      "type": "integer",
      "format": "int64",
      "description": "positive: a top-up (credit); negative: an adjustment; never 0"
     },
     "reason": {"type": "string", "minLength": 1, "maxLength": 500},
     "idempotency_key": {
      "type": "string",
      "minLength": 1,
      "maxLength": 200,
      "description": "a retry with the same key answers 200 with the first entry"
     }
    }
   },
   "CreditReceipt": {
    "type": "object",
    "required": ["id", "tenant_id", "kind", "amount_micros", "balance"],
    "properties": {
     "id": {"type": "integer", "format": "int64"},
     "tenant_id": {"type": "string", "format": "uuid"},
     "kind": {"type": "string", "enum": ["credit", "adjustment"]},
     "amount_micros": {"type": "integer", "format": "int64"},
     "reason": {"type": ["string", "null"]},
     "idempotency_key": {"type": ["string", "null"]},
     "created_at": {"type": "string", "format": "date-time"},
     "balance": {"$ref": "#/components/schemas/Balance"}
    }
   },
   "APIKey": {
    "type": "object",
    "required": ["id", "tenant_id", "name", "prefix", "status"],
    "description": "never the secret, except `key` in the answer to its creation",
    "properties": {
     "id": {"type": "string", "format": "uuid"},
     "tenant_id": {"type": "string", "format": "uuid"},
     "name": {"type": "string"},
     "prefix": {"type": "string"},
     "status": {"type": "string", "enum": ["active", "revoked", "expired"]},
     "budget_micros": {"type": ["integer", "null"]},
     "budget_period": {"type": "string", "enum": ["total", "month"]},
     "allowed_models": {"type": ["array", "null"], "items": {"type": "string"}},
     "expires_at": {"type": ["string", "null"], "format": "date-time"},
     "revoked_at": {"type": ["string", "null"], "format": "date-time"},
     "max_concurrent_tasks": {"type": ["integer", "null"]},
     "rpm_limit": {"type": ["integer", "null"]},
     "charged_micros": {"type": "integer", "format": "int64"},
     "reserved_micros": {"type": "integer", "format": "int64"},
     "spent_this_month_micros": {"type": "integer", "format": "int64"},
     "last_used_at": {"type": ["string", "null"], "format": "date-time"},
     "created_at": {"type": "string", "format": "date-time"},
     "updated_at": {"type": "string", "format": "date-time"}
    }
   },
   "APIKeyWithSecret": {
    "allOf": [
     {"$ref": "#/components/schemas/APIKey"},
     {
      "type": "object",
      "required": ["key"],
      "properties": {"key": {"type": "string", "description": "the secret, shown this once"}}
     }
    ]
   },
   "APIKeyCreate": {
    "type": "object",
    "required": ["name"],
    "properties": {
     "name": {"type": "string", "minLength": 1, "maxLength": 200},
     "budget_micros": {"type": "integer", "format": "int64", "minimum": 0},
     "budget_period": {"type": "string", "enum": ["total", "month"], "default": "total"},
     "allowed_models": {"type": "array", "items": {"type": "string"}},
     "expires_at": {"type": "string", "format": "date-time", "description": "in the future"},
     "max_concurrent_tasks": {"type": "integer", "minimum": 1},
     "rpm_limit": {"type": "integer", "minimum": 1}
    }
   },
   "APIKeyPatch": {
    "type": "object",
    "description": "fields given are changed; null clears an optional limit",
    "properties": {
     "name": {"type": "string", "minLength": 1, "maxLength": 200},
     "budget_micros": {"type": ["integer", "null"], "minimum": 0},
     "budget_period": {"type": "string", "enum": ["total", "month"]},
     "allowed_models": {"type": ["array", "null"], "items": {"type": "string"}},
     "expires_at": {"type": ["string", "null"], "format": "date-time"},
     "max_concurrent_tasks": {"type": ["integer", "null"], "minimum": 1},
     "rpm_limit": {"type": ["integer", "null"], "minimum": 1}
    }
   },
   "AdminTokenCreate": {
    "type": "object",
    "required": ["name", "role"],
    "properties": {
     "name": {"type": "string", "minLength": 1, "maxLength": 200},
     "role": {"type": "string", "enum": ["admin", "finance"]}
    }
   },
   "AdminToken": {
    "type": "object",
    "required": ["id", "name", "role"],
    "properties": {
     "id": {"type": "string", "format": "uuid"},
     "name": {"type": "string"},
     "role": {"type": "string", "enum": ["admin", "finance"]},
     "created_by": {"type": ["string", "null"]},
     "created_at": {"type": "string", "format": "date-time"},
     "revoked_at": {"type": ["string", "null"], "format": "date-time"}
    }
   },
   "AdminTokenWithSecret": {
    "allOf": [
     {"$ref": "#/components/schemas/AdminToken"},
     {
      "type": "object",
      "required": ["token"],
      "properties": {"token": {"type": "string", "description": "the secret, shown this once"}}
     }
    ]
   },
   "PriceBook": {
    "type": "object",
    "required": ["currency", "video_reference_multiplier", "video", "image"],
    "properties": {
     "currency": {"type": "string", "examples": ["USD"]},
     "video_reference_multiplier": {"type": "string", "description": "a decimal, e.g. \"1.5\"", "examples": ["1.5"]},
     "video": {
      "type": "array",
      "items": {
       "type": "object",
       "required": ["model", "mode", "sound", "micros_per_second"],
       "properties": {
        "model": {"type": "string"},
        "mode": {"type": "string"},
        "sound": {"type": "string", "enum": ["on", "off"]},
        "micros_per_second": {"type": "integer", "format": "int64", "minimum": 0}
       }
      }
     },
     "image": {
      "type": "array",
      "items": {
       "type": "object",
       "required": ["model", "resolution", "micros_per_image"],
       "properties": {
        "model": {"type": "string"},
        "resolution": {"type": "string"},
        "micros_per_image": {"type": "integer", "format": "int64", "minimum": 0}
       }
      }
     }
    }
   },
   "PriceBookVersion": {
    "allOf": [
     {"$ref": "#/components/schemas/PriceBook"},
     {
      "type": "object",
      "required": ["version"],
      "properties": {
       "version": {"type": "integer"},
       "created_by": {"type": ["string", "null"]},
       "created_at": {"type": "string", "format": "date-time"}
      }
     }
    ]
   },
   "TaskSummary": {
    "type": "object",
    "required": ["id", "tenant_id", "key_id", "state", "reserved_micros", "charged_micros", "released_micros"],
    "properties": {
     "id": {"type": "string", "format": "uuid"},
     "tenant_id": {"type": "string", "format": "uuid"},
     "key_id": {"type": "string", "format": "uuid"},
     "endpoint": {"type": "string", "enum": ["omni-video", "omni-image"]},
     "model": {"type": "string"},
     "mode": {"type": ["string", "null"]},
     "resolution": {"type": ["string", "null"]},
     "state": {"type": "string", "enum": ["reserved", "submitted", "processing", "succeeded", "failed", "rejected", "expired"]},
     "billing_state": {"type": "string", "enum": ["reserved", "charged", "released"]},
     "currency": {"type": "string"},
     "reserved_micros": {"type": "integer", "format": "int64", "minimum": 0},
     "charged_micros": {"type": "integer", "format": "int64", "minimum": 0},
     "released_micros": {"type": "integer", "format": "int64", "minimum": 0},
     "late_charged_micros": {"type": "integer", "format": "int64", "minimum": 0},
     "billable_seconds": {"type": ["integer", "null"]},
     "images": {"type": ["integer", "null"]},
     "external_task_id": {"type": ["string", "null"]},
     "upstream_task_id": {"type": ["string", "null"]},
     "created_at": {"type": "string", "format": "date-time"},
     "ended_at": {"type": ["string", "null"], "format": "date-time"}
    }
   },
   "LedgerEntry": {
    "type": "object",
    "required": ["id", "tenant_id", "kind", "amount_micros", "created_at"],
    "properties": {
     "id": {"type": "integer", "format": "int64"},
     "tenant_id": {"type": "string", "format": "uuid"},
     "key_id": {"type": ["string", "null"]},
     "task_id": {"type": ["string", "null"]},
     "kind": {"type": "string", "enum": ["credit", "adjustment", "reserve", "charge", "release", "late_charge"]},
     "amount_micros": {"type": "integer", "format": "int64", "description": "negative only for adjustments"},
     "reason": {"type": ["string", "null"]},
     "idempotency_key": {"type": ["string", "null"]},
     "actor": {"type": ["string", "null"]},
     "created_at": {"type": "string", "format": "date-time"}
    }
   },
   "UsageFigures": {
    "type": "object",
    "properties": {
     "tasks": {"type": "integer", "format": "int64"},
     "succeeded": {"type": "integer", "format": "int64"},
     "failed": {"type": "integer", "format": "int64"},
     "billable_seconds": {"type": "integer", "format": "int64"},
     "images": {"type": "integer", "format": "int64"},
     "charged_micros": {"type": "integer", "format": "int64"},
     "charged": {"type": "string", "description": "charged_micros as a decimal"}
    }
   },
   "UsageReport": {
    "type": "object",
    "required": ["from", "to", "rows", "totals"],
    "properties": {
     "from": {"type": "string", "format": "date-time"},
     "to": {"type": "string", "format": "date-time"},
     "group_by": {"type": "array", "items": {"type": "string", "enum": ["tenant", "key", "model", "day"]}},
     "currency": {"type": "string"},
     "rows": {
      "type": "array",
      "items": {
       "allOf": [
        {"$ref": "#/components/schemas/UsageFigures"},
        {
         "type": "object",
         "description": "the grouped-by columns, then the figures",
         "properties": {
          "tenant_id": {"type": "string", "format": "uuid"},
          "tenant_name": {"type": "string"},
          "key_id": {"type": "string", "format": "uuid"},
          "key_name": {"type": "string"},
          "model": {"type": "string"},
          "day": {"type": "string", "format": "date"}
         }
        }
       ]
      }
     },
     "totals": {"$ref": "#/components/schemas/UsageFigures"}
    }
   },
   "Reconciliation": {
    "type": "object",
    "required": ["ok", "checks"],
    "properties": {
     "ok": {"type": "boolean", "description": "true when every check is"},
     "checks": {
      "type": "array",
      "items": {
       "type": "object",
       "required": ["name", "ok", "detail"],
       "properties": {
        "name": {"type": "string"},
        "ok": {"type": "boolean"},
        "detail": {"description": "how many rows break the invariant, and examples"}
       }
      }
     }
    }
   },
   "AuditEntry": {
    "type": "object",
    "required": ["id", "actor", "action", "resource_type", "created_at"],
    "properties": {
     "id": {"type": "integer", "format": "int64"},
     "actor": {"type": "string"},
     "action": {"type": "string"},
     "resource_type": {"type": "string"},
     "resource_id": {"type": ["string", "null"]},
     "before": {"description": "the resource before the change (never a secret)"},
     "after": {"description": "the resource after the change (never a secret)"},
     "created_at": {"type": "string", "format": "date-time"}
    }
   },
   "Status": {"type": "object", "required": ["status"], "properties": {"status": {"type": "string"}}}
  },
  "responses": {
   "TenantUnauthorized": {
    "description": "1000 no key, 1002 unknown or revoked key, 1004 expired key",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/KlingError"}}}
   },
   "TenantSuspended": {
    "description": "1100 tenant suspended",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/KlingError"}}}
   },
   "DatabaseUnavailable": {
    "description": "5001 database unavailable; nothing was reserved",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/KlingError"}}}
   },
   "TenantError": {
    "description": "any other error, in the same shape",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/KlingError"}}}
   },
   "TenantBadRequest": {
    "description": "1200 malformed body, 1201 a value breaks a rule (the message names the field), or the upstream's own 12xx/13xx refusal (the reservation was released)",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/KlingError"}}}
   },
   "TenantForbidden": {
    "description": "1103 model not allowed for this key",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/KlingError"}}}
   },
   "IdempotencyConflict": {
    "description": "1200 Idempotency-Key reused with a different body",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/KlingError"}}}
   },
   "BodyTooLarge": {
    "description": "1201 body larger than 4 MiB",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/KlingError"}}}
   },
   "TenantLimited": {
    "description": "1100 tenant suspended, 1102 quota exhausted (balance, monthly budget, key budget), 1302 requests-per-minute limit, 1303 concurrent-task limit (with Retry-After)",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/KlingError"}}}
   },
   "UpstreamFailed": {
    "description": "5000 the upstream refused or failed the submission, or no upstream is configured; nothing stays reserved",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/KlingError"}}}
   },
   "BadPage": {
    "description": "1201 pageNum or pageSize out of range",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/KlingError"}}}
   },
   "TaskNotFound": {
    "description": "1203 no such task for this tenant (other tenants' tasks included)",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/KlingError"}}}
   },
   "AdminBadRequest": {
    "description": "bad_request: malformed JSON, wrong JSON type, or a bad query parameter",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AdminError"}}}
   },
   "AdminUnauthenticated": {
    "description": "unauthenticated: no or unknown admin token",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AdminError"}}}
   },
   "AdminForbidden": {
    "description": "forbidden: the token's role may not do this (finance is read-only)",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AdminError"}}}
   },
   "AdminNotFound": {
    "description": "not_found: no such resource (an id that is not a UUID included)",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AdminError"}}}
   },
   "AdminInvalid": {
    "description": "invalid: a value breaks a rule",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AdminError"}}}
   },
   "AdminDatabaseUnavailable": {
    "description": "database_unavailable: nothing was changed",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AdminError"}}}
   },
   "AdminError": {
    "description": "any other error, in the same shape",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AdminError"}}}
   },
   "AdminConflict": {
    "description": "conflict: an idempotency key reused with a different amount",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AdminError"}}}
   }
  }
 }
}
"""#
}
