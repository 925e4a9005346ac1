"""YAML documents shaped like the plugin's /models/{table}/yaml output (spec §2.4, YAMLSchema.java layout)."""
from __future__ import annotations

C_ORDER_YAML = """openapi: 3.0.0
info:
  title: models/C_Order
  version: 1.0.0
servers:
  - url: '{base_url}'
    variables:
      base_url:
        enum:
          - 'http://localhost:8080/api/v1'
        default: 'http://localhost:8080/api/v1'
components:
  securitySchemes:
    bearerAuth:
      type: http
      scheme: bearer
      bearerFormat: JWT
  schemas:
    C_Order:
      type: object
      properties:
        id:
          type: integer
          readOnly: true
        uid:
          type: string
          readOnly: true
        AD_Client_ID:
          type: object
          properties:
            propertyLabel: 
              type: string
              readOnly: true
              enum:
                 - 'Tenant'
            id:
              type: integer
              description: record id
            identifier:
              type: string
              description: record identifier
            model-name:
              type: string
              readOnly: true
              enum:
                 - 'ad_client'
          readOnly: true
        IsActive:
          type: boolean
          description: The record is active in the system
        Created:
          type: string
          format: date-time
          description: Date this record was created
          example: 2024-05-01T10:00:00Z
          readOnly: true
        Updated:
          type: string
          format: date-time
          example: 2024-05-01T10:00:00Z
          readOnly: true
        DocumentNo:
          type: string
          description: Document sequence number of the document: it is unique per type
        DocStatus:
          type: object
          properties:
            propertyLabel: 
              type: string
              readOnly: true
              enum:
                 - 'Document Status'
            id:
              type: string
              description: list item id
              enum:
                - 'DR'
                - 'CO'
            identifier:
              type: string
              description: list item identifier
              enum:
                - 'Drafted'
                - 'Completed'
            model-name:
              type: string
              readOnly: true
              enum:
                 - 'ad_ref_list'
        C_BPartner_ID:
          type: object
          properties:
            propertyLabel: 
              type: string
              readOnly: true
              enum:
                 - 'Business Partner'
            id:
              type: integer
              description: record id
            identifier:
              type: string
              description: record identifier
            model-name:
              type: string
              readOnly: true
              enum:
                 - 'c_bpartner'
        DateOrdered:
          type: string
          format: date
          example: 2024-05-01
        DatePromised:
          type: string
          format: date-time
          example: 2024-05-01T10:00:00Z
        GrandTotal:
          type: number
          description: Total amount of document
        Line:
          type: integer
        BinaryData:
          type: string
          format: byte
          description: base64 encoded binary content
        StartTime:
          type: string
          example: 10:00:00Z
        C_Location_ID: { $ref: '#/components/schemas/Location' }
        Logo_ID: { $ref: '#/components/schemas/Image' }
    Image:
      type: object
      properties:
        id:
          type: integer
          description: image id
    errorResponse:
      type: object
      properties:
        title:
          type: string
paths:
  /models/C_Order:
    get:
      parameters:
        - $ref: '#/components/parameters/filter'
"""

# A multi-line description with a colon at column 0 breaks strict YAML parsers.
BROKEN_YAML = C_ORDER_YAML.replace(
    "          description: The record is active in the system\n",
    "          description: The record is active\nNote: see the manual, section 2: active flags\n",
)

# The same document as a YAML library would write it (list items not indented, flow maps expanded):
# an emulator built on PyYAML produces this shape, and it must parse identically.
PYYAML_STYLE_YAML = """openapi: 3.0.0
info:
  title: models/C_Order
components:
  schemas:
    C_Order:
      type: object
      properties:
        id:
          type: integer
        AD_Client_ID:
          type: object
          properties:
            id:
              type: integer
            model-name:
              type: string
              enum:
              - ad_client
          readOnly: true
        IsActive:
          type: boolean
          description: 'The record is active: yes'
        Created:
          type: string
          format: date-time
          readOnly: true
        Updated:
          type: string
          format: date-time
        DocumentNo:
          type: string
        DocStatus:
          type: object
          properties:
            id:
              type: string
              enum:
              - DR
              - CO
            identifier:
              type: string
              enum:
              - Drafted
              - Completed
            model-name:
              type: string
              enum:
              - ad_ref_list
        C_BPartner_ID:
          type: object
          properties:
            model-name:
              enum: [c_bpartner]
        DateOrdered:
          type: string
          format: date
        DatePromised:
          type: string
          format: date-time
        GrandTotal:
          type: number
        Line:
          type: integer
        BinaryData:
          type: string
          format: byte
        StartTime:
          type: string
          format: time
        C_Location_ID:
          $ref: '#/components/schemas/Location'
        Logo_ID:
          $ref: '#/components/schemas/Image'
"""
